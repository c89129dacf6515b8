using System.Text.RegularExpressions;

namespace FlowRunner.Engine.Graph;

/// <summary>
/// Infers whether a lane is an actor (the person or client calling the API) or a service, from the words of
/// its id and label, as FlowZap's own graph export does; a file beside the flow will be able to override it.
/// Whole words only: "Multi-Factor Auth" is no actor, "UserService" is a service.
/// </summary>
internal static partial class LaneRoles
{
    private static readonly HashSet<string> ActorWords = new(StringComparer.Ordinal)
    {
        "user", "client", "customer", "browser", "frontend", "person", "actor", "human", "requester",
        "applicant", "employee", "buyer", "member", "visitor", "player", "patient", "couple",
    };

    private static readonly HashSet<string> ServiceWords = new(StringComparer.Ordinal)
    {
        "service", "server", "api", "backend", "database", "db", "gateway", "queue", "worker", "system",
    };

    /// <summary>Actor when a word names a person or client and none names a service; otherwise service.</summary>
    public static LaneRole Infer(string id, string label)
    {
        string[] words = [.. Words(id), .. Words(label)];
        bool actor = words.Any(w => ActorWords.Contains(w) || (w.EndsWith('s') && ActorWords.Contains(w[..^1])));
        bool service = words.Any(ServiceWords.Contains);
        return actor && !service ? LaneRole.Actor : LaneRole.Service;
    }

    private static IEnumerable<string> Words(string text) =>
        WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant());

    // Runs of letters, split at lower-to-upper case changes: "UserService" -> "User", "Service".
    [GeneratedRegex(@"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
