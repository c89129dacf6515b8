using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>Base of the identity handlers: type, labels, outcomes, and helpers for variables and outputs.</summary>
internal abstract class IdentityActivity(IdentityServices services) : IActivityHandler
{
    /// <summary>The variable holding the email being signed in.</summary>
    public const string EmailVariable = "email";

    /// <summary>The variable holding the user's id once known.</summary>
    public const string UserVariable = "user_id";

    /// <inheritdoc/>
    public abstract string Type { get; }

    /// <inheritdoc/>
    public virtual IReadOnlyList<string> Outcomes => [];

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> Labels { get; }

    /// <summary>The shared services.</summary>
    protected IdentityServices Services { get; } = services;

    /// <inheritdoc/>
    public abstract ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);

    /// <summary>The identity tables, inside the step's transaction.</summary>
    protected static IIdentityStore Store(ActivityContext context) => context.Data.Store<IIdentityStore>();

    /// <summary>A string variable, or null.</summary>
    protected static string? Variable(ActivityContext context, string name) =>
        context.Variables.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Sets a string variable.</summary>
    protected static void SetVariable(ActivityContext context, string name, string? value) =>
        context.SetVariable(name, JsonSerializer.SerializeToElement(value));

    /// <summary>Outputs from name/value pairs; a null value removes that output.</summary>
    protected static ImmutableDictionary<string, JsonElement> Outputs(params (string Name, object? Value)[] values) =>
        values.ToImmutableDictionary(v => v.Name, v => JsonSerializer.SerializeToElement(v.Value), StringComparer.Ordinal);
}
