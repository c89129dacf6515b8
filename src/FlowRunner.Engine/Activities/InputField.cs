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

    /// <summary>
    /// What an "email" field accepts: one <c>@</c> with text on both sides, at most 254 characters, no white space or
    /// control characters. Deliberately loose otherwise: the address is proven by mail reaching it, not by its syntax.
    /// </summary>
    public static bool IsEmailAddress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < text.Length - 1 && text.IndexOf('@', at + 1) < 0 && text.Length <= 254
            && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
    }
}
