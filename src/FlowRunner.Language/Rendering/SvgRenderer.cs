using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Rendering;

/// <summary>
/// Draws a flow as FlowZap does: swimlanes as rows with their display labels, circles, rectangles, diamonds and
/// taskboxes (with their sub-items), edges leaving and entering at their handles with arrowheads and labels,
/// and loop regions as dashed boxes. Optionally an instance's path on top. The output is self-contained SVG
/// (styles inside, no scripts, no external references) and the same graph always gives the same bytes.
/// </summary>
public static class SvgRenderer
{
    private const int FontSize = 13;

    /// <summary>The diagram's stylesheet (also inside every SVG); pages whose CSP forbids inline styles serve it as a file.</summary>
    public static string Stylesheet => Style;

    private const string Style = """
        .lane-band{fill:#f7f8fa;stroke:#c9ced6;stroke-width:1}
        .lane-band.odd{fill:#eef1f5}
        .lane-title{font-weight:600;fill:#2b3340}
        .node .shape{fill:#ffffff;stroke:#4a5568;stroke-width:1.5}
        .node.circle .shape{fill:#e6f4ea;stroke:#2f855a}
        .node.diamond .shape{fill:#fff8e1;stroke:#b7791f}
        .node.taskbox .header{fill:#e8eefc;stroke:none}
        .node text{fill:#1a202c}
        .node .sub{fill:#4a5568;font-size:12px}
        .edge path{fill:none;stroke:#718096;stroke-width:1.5}
        .edge .label-bg{fill:#ffffff;stroke:none;opacity:.9}
        .edge text{fill:#2d3748;font-size:12px}
        .loop rect{fill:none;stroke:#805ad5;stroke-width:1.2;stroke-dasharray:6 4}
        .loop text{fill:#553c9a;font-size:12px;font-style:italic}
        .node.visited .shape{stroke:#2b6cb0;stroke-width:3}
        .node.waiting .shape{stroke:#dd6b20;stroke-width:4;stroke-dasharray:7 3}
        .node.faulted .shape{stroke:#c53030;stroke-width:4;fill:#fff5f5}
        .edge.taken path{stroke:#2b6cb0;stroke-width:3}
        .node.highlight .shape{stroke:#d53f8c;stroke-width:4}
        .edge.highlight path{stroke:#d53f8c;stroke-width:3}
        .visits circle{fill:#2b6cb0}
        .visits text{fill:#ffffff;font-size:11px;font-weight:700}
        """;

    /// <summary>The SVG document for <paramref name="graph"/>, with <paramref name="overlay"/> drawn on it when given.</summary>
    public static string Render(FlowGraph graph, string title, SvgOverlay? overlay = null)
    {
        (SvgLayout layout, ImmutableArray<EdgeRoute> routes) = Arrange(graph);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{layout.Width}\" height=\"{layout.Height}\" viewBox=\"0 0 {layout.Width} {layout.Height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{FontSize}\" role=\"img\" aria-label=\"{Escape(title)}\">\n");
        svg.Append("<title>").Append(Escape(overlay?.Status is { } status ? $"{title} ({status})" : title)).Append("</title>\n");
        svg.Append("<defs><style>").Append(Style.Replace("\n", string.Empty, StringComparison.Ordinal)).Append("</style>")
            .Append("<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"11\" markerHeight=\"11\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#718096\"/></marker>")
            .Append("<marker id=\"arrow-taken\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"13\" markerHeight=\"13\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2b6cb0\"/></marker>")
            .Append("</defs>\n");

        WriteLanes(svg, graph, layout);
        WriteLoops(svg, graph, layout);
        foreach (FlowEdge edge in graph.Edges)
        {
            WriteEdge(svg, edge, routes[edge.Index], LineOf(graph, edge.Syntax.Span.Start), overlay?.TakenEdges.Contains(edge.Index) == true);
        }

        foreach (FlowNode node in graph.Nodes)
        {
            WriteNode(svg, node, layout.Nodes[node.Index], LineOf(graph, node.Syntax.Span.Start), overlay);
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>
    /// The layout and routes drawn: of the compactions tried (edges drawn straight down or up keep their column; only
    /// plain hand-offs do; none does), the one where every label has a clear spot, then with the fewest crossings
    /// weighed against the width. Graphs over 200 nodes take the first (each try routes every edge).
    /// </summary>
    internal static (SvgLayout Layout, ImmutableArray<EdgeRoute> Routes) Arrange(FlowGraph graph)
    {
        (SvgLayout Layout, ImmutableArray<EdgeRoute> Routes, long Score)? best = null;
        Compaction[] tried = graph.Nodes.Length > 200 ? [Compaction.Vertical] : [Compaction.Vertical, Compaction.HandOffs, Compaction.None];
        foreach (Compaction compaction in tried)
        {
            SvgLayout layout = SvgLayout.Of(graph, compaction);
            ImmutableArray<EdgeRoute> routes = EdgeRouter.Route(graph, layout);
            int right = routes.SelectMany(r => r.Points.Select(p => p.X).Append(r.Label?.Right ?? 0)).DefaultIfEmpty(0).Max();
            layout = layout.Widen(right + SvgLayout.Margin + 4);
            long score = (routes.Count(r => !r.LabelClear) * 1_000_000L) + (EdgeRouter.Crossings(routes) * 300L) + layout.Width;
            if (best is null || score < best.Value.Score)
            {
                best = (layout, routes, score);
            }
        }

        return (best!.Value.Layout, best.Value.Routes);
    }

    private static void WriteLanes(StringBuilder svg, FlowGraph graph, SvgLayout layout)
    {
        for (int i = 0; i < layout.Lanes.Length; i++)
        {
            Box band = layout.Lanes[i];
            string label = i < graph.Lanes.Length ? graph.Lanes[i].Label : SvgLayout.OutsideLanes;
            string id = i < graph.Lanes.Length ? graph.Lanes[i].Id : string.Empty;
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"lane\" data-lane=\"{Escape(id)}\">")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"lane-band{(i % 2 == 1 ? " odd" : string.Empty)}\" x=\"{band.X}\" y=\"{band.Y}\" width=\"{band.Width}\" height=\"{band.Height}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<line x1=\"{band.X + layout.LaneHeaderWidth}\" y1=\"{band.Y}\" x2=\"{band.X + layout.LaneHeaderWidth}\" y2=\"{band.Bottom}\" stroke=\"#c9ced6\"/>");
            List<string> lines = SvgLayout.LaneTitle(label);
            int top = band.CenterY - ((lines.Count - 1) * 8);
            WriteText(svg, lines, band.X + (layout.LaneHeaderWidth / 2), top, 16, "lane-title");
            svg.Append("</g>\n");
        }
    }

    private static void WriteLoops(StringBuilder svg, FlowGraph graph, SvgLayout layout)
    {
        foreach ((FlowLoop loop, int index) in graph.Loops.Select((l, i) => (l, i)))
        {
            if (layout.Loops[index] is not { } box)
            {
                continue;
            }

            string text = "loop [" + Truncate(loop.Condition, 40) + "]";
            svg.Append("<g class=\"loop\">")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{box.X}\" y=\"{box.Y}\" width=\"{box.Width}\" height=\"{box.Height}\" rx=\"10\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{box.X + 8}\" y=\"{box.Y + 15}\">{Escape(text)}</text>")
                .Append("</g>\n");
        }
    }

    // The 1-based line of a statement: the page highlights the node or edge a diagnostic's line names.
    private static int LineOf(FlowGraph graph, int offset) => graph.Source.GetLinePosition(offset).Line + 1;

    private static void WriteEdge(StringBuilder svg, FlowEdge edge, EdgeRoute route, int line, bool taken)
    {
        var d = new StringBuilder();
        for (int i = 0; i < route.Points.Length; i++)
        {
            d.Append(i == 0 ? 'M' : 'L').Append(route.Points[i].X.ToString(CultureInfo.InvariantCulture)).Append(',').Append(route.Points[i].Y.ToString(CultureInfo.InvariantCulture));
        }

        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"edge{(taken ? " taken" : string.Empty)}\" data-edge=\"{edge.Index}\" data-from=\"{Escape(edge.From)}\" data-to=\"{Escape(edge.To)}\" data-line=\"{line}\">")
            .Append(CultureInfo.InvariantCulture, $"<path d=\"{d}\" marker-end=\"url(#{(taken ? "arrow-taken" : "arrow")})\"/>");
        if (edge.Label is { } label && route.Label is { } box)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"label-bg\" x=\"{box.X}\" y=\"{box.Y}\" width=\"{box.Width}\" height=\"{box.Height}\" rx=\"3\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{box.CenterX}\" y=\"{box.Y + 13}\" text-anchor=\"middle\">{Escape(EdgeRouter.LabelText(label))}</text>");
        }

        svg.Append("</g>\n");
    }

    private static void WriteNode(StringBuilder svg, FlowNode node, Box box, int line, SvgOverlay? overlay)
    {
        string shape = node.Shape switch
        {
            NodeShape.Circle => "circle",
            NodeShape.Diamond => "diamond",
            NodeShape.Taskbox => "taskbox",
            _ => "rectangle",
        };
        int visits = overlay?.Visits.GetValueOrDefault(node.Id) ?? 0;
        string state = (visits > 0 ? " visited" : string.Empty)
            + (overlay?.Waiting.Contains(node.Id) == true ? " waiting" : string.Empty)
            + (overlay?.Faulted == node.Id ? " faulted" : string.Empty);
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"node {shape}{state}\" data-node=\"{Escape(node.Id)}\" data-visits=\"{visits}\" data-line=\"{line}\">");
        svg.Append("<title>").Append(Escape(node.Id + ": " + node.DisplayText)).Append("</title>");
        switch (node.Shape)
        {
            case NodeShape.Circle:
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"shape\" cx=\"{box.CenterX}\" cy=\"{box.CenterY}\" r=\"{box.Width / 2}\"/>");
                List<string> label = SvgLayout.TextLines(node);
                int middle = box.CenterY + 4 - ((label.Count - 1) * 15 / 2);
                (int labelX, int labelY, string anchor) = SvgLayout.CircleLabel(node) switch
                {
                    LabelSide.Above => (box.CenterX, box.Y - 8 - ((label.Count - 1) * 15), "middle"),
                    LabelSide.Left => (box.X - 6, middle, "end"),
                    LabelSide.Right => (box.Right + 6, middle, "start"),
                    _ => (box.CenterX, box.Bottom + 16, "middle"),
                };
                WriteText(svg, label, labelX, labelY, 15, null, anchor);
                break;
            case NodeShape.Diamond:
                svg.Append(CultureInfo.InvariantCulture,
                    $"<polygon class=\"shape\" points=\"{box.CenterX},{box.Y} {box.Right},{box.CenterY} {box.CenterX},{box.Bottom} {box.X},{box.CenterY}\"/>");
                WriteCentered(svg, SvgLayout.TextLines(node), box);
                break;
            case NodeShape.Taskbox:
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"shape\" x=\"{box.X}\" y=\"{box.Y}\" width=\"{box.Width}\" height=\"{box.Height}\" rx=\"4\"/>")
                    .Append(CultureInfo.InvariantCulture, $"<rect class=\"header\" x=\"{box.X + 1}\" y=\"{box.Y + 1}\" width=\"{box.Width - 2}\" height=\"{SvgLayout.TaskHeaderHeight - 2}\" rx=\"3\"/>");
                ImmutableArray<string> items = node.SubItems;
                string header = items.IsEmpty ? node.DisplayText : node.Attributes.GetValueOrDefault("description") ?? node.Id;
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{box.CenterX}\" y=\"{box.Y + 19}\" text-anchor=\"middle\">{Escape(Truncate(header, 22))}</text>");
                for (int i = 0; i < items.Length; i++)
                {
                    int y = box.Y + SvgLayout.TaskHeaderHeight + 13 + (i * SvgLayout.TaskItemHeight);
                    svg.Append(CultureInfo.InvariantCulture, $"<text class=\"sub\" x=\"{box.X + 10}\" y=\"{y}\">\u2610 {Escape(Truncate(items[i], 20))}</text>");
                }

                break;
            default:
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"shape\" x=\"{box.X}\" y=\"{box.Y}\" width=\"{box.Width}\" height=\"{box.Height}\" rx=\"8\"/>");
                WriteCentered(svg, SvgLayout.TextLines(node), box);
                break;
        }

        if (visits > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"visits\"><circle cx=\"{box.Right}\" cy=\"{box.Y}\" r=\"10\"/><text x=\"{box.Right}\" y=\"{box.Y + 4}\" text-anchor=\"middle\">{visits}</text></g>");
        }

        svg.Append("</g>\n");
    }

    private static void WriteCentered(StringBuilder svg, List<string> lines, Box box) =>
        WriteText(svg, lines, box.CenterX, box.CenterY + 4 - ((lines.Count - 1) * 8), 16, null);

    private static void WriteText(StringBuilder svg, List<string> lines, int x, int y, int lineHeight, string? cssClass, string anchor = "middle")
    {
        svg.Append(CultureInfo.InvariantCulture, $"<text{(cssClass is null ? string.Empty : $" class=\"{cssClass}\"")} x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\">");
        for (int i = 0; i < lines.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<tspan x=\"{x}\" dy=\"{(i == 0 ? 0 : lineHeight)}\">{Escape(lines[i])}</tspan>");
        }

        svg.Append("</text>");
    }

    /// <summary>Words in lines of at most <paramref name="width"/> characters, at most <paramref name="maxLines"/> lines (the last ends in an ellipsis when cut).</summary>
    internal static List<string> Wrap(string text, int width, int maxLines)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string piece = word.Length > width ? word[..(width - 1)] + "\u2026" : word;
            if (line.Length > 0 && line.Length + 1 + piece.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(piece);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        if (lines.Count > maxLines)
        {
            string last = lines[maxLines - 1];
            lines = lines[..maxLines];
            lines[^1] = (last.Length >= width ? last[..(width - 1)] : last) + "\u2026";
        }

        return lines.Count == 0 ? [string.Empty] : lines;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "\u2026";

    /// <summary>Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry.</summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&#39;"); break;
                default:
                    if (c >= 0x20 || c is '\t' or '\n' or '\r')
                    {
                        if (!(c is '\uFFFE' or '\uFFFF'))
                        {
                            escaped.Append(c);
                        }
                    }

                    break;
            }
        }

        return escaped.ToString();
    }
}
