namespace FlowRunner.Engine.Activities;

/// <summary>
/// Matches an outcome against decision exit labels: case-insensitively, by normalised text, by the parts of a
/// label such as "Yes/Approved", and by synonyms (Yes = True = Valid = OK..., No = False = Invalid...).
/// </summary>
internal static class Outcomes
{
    private static readonly string[][] Synonyms =
    [
        ["yes", "true", "valid", "ok", "success", "succeeded", "approved", "accepted", "found", "exists", "correct", "enabled", "pass", "passed", "allowed", "y"],
        ["no", "false", "invalid", "fail", "failed", "failure", "rejected", "declined", "not found", "missing", "incorrect", "wrong", "disabled", "denied", "blocked", "n"],
    ];

    /// <summary>True when the outcome selects the exit with this label.</summary>
    public static bool Matches(string outcome, string? label)
    {
        if (label is null)
        {
            return false;
        }

        string wanted = ActivityRegistry.Normalize(outcome);
        foreach (string part in Parts(label))
        {
            if (part == wanted || Group(part) is { } group && group == Group(wanted))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Parts(string label)
    {
        yield return ActivityRegistry.Normalize(label);
        if (label.Contains('/', StringComparison.Ordinal))
        {
            foreach (string part in label.Split('/'))
            {
                yield return ActivityRegistry.Normalize(part);
            }
        }
    }

    private static int? Group(string normalized)
    {
        for (int i = 0; i < Synonyms.Length; i++)
        {
            if (Synonyms[i].Contains(normalized))
            {
                return i;
            }
        }

        return null;
    }
}
