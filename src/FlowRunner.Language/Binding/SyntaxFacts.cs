using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Binding;

/// <summary>What the words of the syntax mean in the graph: shapes and handle directions.</summary>
internal static class SyntaxFacts
{
    /// <summary>The shape named by a word; shapes are lower case as FlowZap writes them.</summary>
    public static NodeShape Shape(string word) => word switch
    {
        "circle" => NodeShape.Circle,
        "rectangle" => NodeShape.Rectangle,
        "diamond" => NodeShape.Diamond,
        "taskbox" => NodeShape.Taskbox,
        _ => NodeShape.Unknown,
    };

    /// <summary>The direction of a handle (any case), or null when absent or invalid.</summary>
    public static HandleDirection? Direction(HandleSyntax? handle) => handle?.Direction.Text.ToLowerInvariant() switch
    {
        "right" => HandleDirection.Right,
        "left" => HandleDirection.Left,
        "bottom" => HandleDirection.Bottom,
        "top" => HandleDirection.Top,
        _ => null,
    };

    /// <summary>True for ids of the form n1, n2, ... (no sign, no leading zero, within int), with their number.</summary>
    public static bool TryParseNodeNumber(string id, out int number)
    {
        number = 0;
        return id.Length >= 2 && id[0] == 'n' && id[1] is >= '1' and <= '9' && id.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);
    }
}
