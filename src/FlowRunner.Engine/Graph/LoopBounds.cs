using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Engine.Graph;

/// <summary>Reads a loop's bound from its text ("retry up to 3 times", "repeat 3 times", "at most 5"); else the default.</summary>
internal static partial class LoopBounds
{
    /// <summary>The bound when the text names none: enough for retries, small enough to stop a runaway loop.</summary>
    public const int Default = 10;

    /// <summary>The largest bound accepted from text.</summary>
    public const int Maximum = 10_000;

    private static readonly string[] Words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    /// <summary>The bound named by the text, or null.</summary>
    public static int? FromText(string condition)
    {
        Match match = BoundPattern().Match(condition);
        if (!match.Success)
        {
            return null;
        }

        string count = match.Groups["count"].Value.ToLowerInvariant();
        int value = int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int number) ? number : Array.IndexOf(Words, count);
        return value >= 1 ? Math.Min(value, Maximum) : null;
    }

    [GeneratedRegex(@"\b(?:(?:up\s+to|at\s+most|max(?:imum)?|no\s+more\s+than)\s+(?<count>\d+|[a-z]+)(?:\s+(?:times?|attempts?|tries|retries))?|(?<count>\d+|[a-z]+)\s+(?:times?|attempts?|tries|retries))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BoundPattern();
}
