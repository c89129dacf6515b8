namespace FlowRunner.Engine.Activities;

/// <summary>One field a wait expects. Secret fields are never written to the journal or logs.</summary>
/// <param name="Type">string, email, secret, number, boolean or code.</param>
/// <param name="Required">Whether an answer must contain it.</param>
public sealed record InputField(string Type, bool Required = true)
{
    /// <summary>The field types a wait may declare.</summary>
    public static readonly IReadOnlyList<string> Types = ["string", "email", "secret", "number", "boolean", "code"];

    /// <summary>True for values that must never be logged.</summary>
    public bool IsSecret => Type is "secret" or "code";
}
