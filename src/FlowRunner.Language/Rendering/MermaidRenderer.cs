using System.Globalization;
using System.Text;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Rendering;

/// <summary>
/// The diagram as a Mermaid flowchart: one subgraph per lane (in declaration order, titled with its display
/// label), FlowZap shapes mapped to Mermaid's, labelled edges, and each <c>loop</c> as a comment (a Mermaid
/// node can sit in one subgraph only, so a loop region cannot be a second one).
/// </summary>
public static class MermaidRenderer
{
    // Words Mermaid's flowchart grammar reserves; a node id equal to one of them breaks the chart.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "end", "graph", "flowchart", "subgraph", "direction", "style", "class", "classDef", "click", "linkStyle", "call", "href",
    };

    /// <summary>Writes the chart for <paramref name="graph"/>; ends with a newline.</summary>
    public static string From(FlowGraph graph)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (FlowNode node in graph.Nodes)
        {
            ids.TryAdd(node.Id, IsSafeId(node.Id) ? node.Id : "node_" + node.Index.ToString(CultureInfo.InvariantCulture));
        }

        // Lanes stacked top to bottom, as in the SVG, so the chart keeps the swimlane order at page width. Mermaid draws a
        // lane left to right only while none of its nodes links outside it (it ignores "direction" otherwise).
        var text = new StringBuilder("flowchart TB\n");
        var placed = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Lanes.Length; i++)
        {
            FlowLane lane = graph.Lanes[i];
            text.Append(CultureInfo.InvariantCulture, $"  subgraph lane{i}[\"{Escape(lane.Label)}\"]\n    direction LR\n");
            foreach (FlowNode node in graph.Nodes.Where(n => n.Lane == lane.Id && placed.Add(n.Id)))
            {
                text.Append("    ").Append(Declaration(node, ids[node.Id])).Append('\n');
            }

            text.Append("  end\n");
        }

        foreach (FlowNode node in graph.Nodes.Where(n => placed.Add(n.Id)))
        {
            text.Append("  ").Append(Declaration(node, ids[node.Id])).Append('\n');
        }

        for (int i = 0; i + 1 < graph.Lanes.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  lane{i} ~~~ lane{i + 1}\n"); // invisible: keeps the lanes in declaration order
        }

        foreach (FlowEdge edge in graph.Edges)
        {
            string arrow = edge.Label is { Length: > 0 } label ? $"-->|\"{Escape(label)}\"|" : "-->";
            text.Append(CultureInfo.InvariantCulture, $"  {ids[edge.From]} {arrow} {ids[edge.To]}\n");
        }

        foreach (FlowLoop loop in graph.Loops)
        {
            string nodes = string.Join(' ', loop.Nodes.Select(n => ids.GetValueOrDefault(n, n)));
            text.Append(CultureInfo.InvariantCulture, $"  %% loop [{OneLine(loop.Condition)}]: {nodes}\n");
        }

        return text.ToString();
    }

    private static string Declaration(FlowNode node, string id)
    {
        string label = node.SubItems.IsEmpty
            ? Escape(node.DisplayText)
            : string.Join("<br/>", node.SubItems.Select(Escape));
        return node.Shape switch
        {
            NodeShape.Circle => $"{id}((\"{label}\"))",
            NodeShape.Diamond => $"{id}{{\"{label}\"}}",
            NodeShape.Taskbox => $"{id}[[\"{label}\"]]",
            _ => $"{id}[\"{label}\"]",
        };
    }

    private static bool IsSafeId(string id) =>
        id.Length > 0 && (char.IsAsciiLetter(id[0]) || id[0] == '_') && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !Reserved.Contains(id);

    /// <summary>Text inside a quoted Mermaid label: quotes, angle brackets and '#' as Mermaid entity codes, one line.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in OneLine(text))
        {
            _ = c switch
            {
                '"' => escaped.Append("#quot;"),
                '#' => escaped.Append("#35;"),
                '<' => escaped.Append("#lt;"),
                '>' => escaped.Append("#gt;"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
