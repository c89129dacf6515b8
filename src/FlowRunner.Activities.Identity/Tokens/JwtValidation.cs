using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Activities.Identity.Tokens;

/// <summary>The result of checking a token: its claims, or why it was refused.</summary>
public sealed record JwtValidation(bool IsValid, ImmutableDictionary<string, JsonElement> Claims, string? Error)
{
    /// <summary>A refusal with its reason (for logs; callers answer a uniform 401).</summary>
    public static JwtValidation Refused(string error) => new(false, ImmutableDictionary<string, JsonElement>.Empty, error);

    /// <summary>The <c>sub</c> claim of a valid token.</summary>
    public string? Subject => Claims.TryGetValue("sub", out JsonElement sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
}
