using System.Text.Json;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// A step of the gateway's command flow. It runs only in that request-scoped flow, where the request is the
/// <see cref="GatewayCall"/>; a refusal ends the flow at this node with the gRPC status the call answers.
/// </summary>
internal abstract class GatewayActivity(GatewayServices services) : IActivityHandler
{
    protected GatewayServices Services { get; } = services;

    public abstract string Type { get; }

    public IReadOnlyList<string> Outcomes => [];

    public abstract IReadOnlyList<string> Labels { get; }

    public virtual string? ValidateOptions(JsonElement options) => null;

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        context.Request is GatewayCall call
            ? RunAsync(call, context, cancellationToken)
            : ValueTask.FromResult(ActivityResult.Fail($"'{Type}' runs only in the gateway's command flow, a request-scoped flow the gateway runs for each command"));

    protected abstract ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken);
}
