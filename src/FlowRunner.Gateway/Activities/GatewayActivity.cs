using System.Text.Json;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// A step of one of the gateway's request-scoped flows, whose request is a <typeparamref name="TCall"/> (a signed
/// command, or a public auth request); a refusal ends the flow at this node with the answer the call gives.
/// </summary>
internal abstract class GatewayActivity<TCall>(GatewayServices services) : IActivityHandler
    where TCall : class
{
    protected GatewayServices Services { get; } = services;

    public abstract string Type { get; }

    public IReadOnlyList<string> Outcomes => [];

    public abstract IReadOnlyList<string> Labels { get; }

    public virtual string? ValidateOptions(JsonElement options) => null;

    public virtual bool IsInstant => false;

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        context.Request is TCall call
            ? RunAsync(call, context, cancellationToken)
            : ValueTask.FromResult(ActivityResult.Fail($"'{Type}' runs only in a request-scoped flow the gateway runs for each {typeof(TCall).Name}"));

    protected abstract ValueTask<ActivityResult> RunAsync(TCall call, ActivityContext context, CancellationToken cancellationToken);
}
