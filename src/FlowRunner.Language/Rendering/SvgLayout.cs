using System.Collections.Immutable;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Graph.Algorithms;

namespace FlowRunner.Language.Rendering;

/// <summary>A rectangle in SVG user units (pixels).</summary>
internal readonly record struct Box(int X, int Y, int Width, int Height)
{
    /// <summary>Right edge.</summary>
    public int Right => X + Width;

    /// <summary>Bottom edge.</summary>
    public int Bottom => Y + Height;

    /// <summary>Horizontal centre.</summary>
    public int CenterX => X + (Width / 2);

    /// <summary>Vertical centre.</summary>
    public int CenterY => Y + (Height / 2);

    /// <summary>True when the two boxes share any interior point.</summary>
    public bool Overlaps(Box other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    /// <summary>The point where a handle sits on this box.</summary>
    public (int X, int Y) Handle(HandleDirection direction) => direction switch
    {
        HandleDirection.Left => (X, CenterY),
        HandleDirection.Right => (Right, CenterY),
        HandleDirection.Top => (CenterX, Y),
        _ => (CenterX, Bottom),
    };
}

/// <summary>Where a circle's label is written, next to the circle.</summary>
internal enum LabelSide
{
    /// <summary>Under the circle (FlowZap's place for it).</summary>
    Below,

    /// <summary>Over the circle.</summary>
    Above,

    /// <summary>To the circle's left.</summary>
    Left,

    /// <summary>To the circle's right.</summary>
    Right,
}

/// <summary>Which edges drawn straight down or up keep their target in their source's column.</summary>
internal enum Compaction
{
    /// <summary>Every edge from a bottom to a top handle into the same or a lower lane, or from a top to a bottom handle into a higher lane.</summary>
    Vertical,

    /// <summary>Only plain hand-offs between lanes: the only edge out of its source and into its target.</summary>
    HandOffs,

    /// <summary>None: every edge moves right a column.</summary>
    None,
}

/// <summary>Where everything of a diagram goes: lanes as rows, nodes in columns by their distance from a start.</summary>
/// <param name="Width">The drawing's width.</param>
/// <param name="Height">The drawing's height.</param>
/// <param name="LaneHeaderWidth">The width of the lane titles' column at the left.</param>
/// <param name="Lanes">One band per lane, in declaration order.</param>
/// <param name="Nodes">One box per node, by node index (the shape's own box; a circle's label sits below it).</param>
/// <param name="Columns">The column of every node, by node index.</param>
/// <param name="Areas">What every node occupies with its label (a circle's label beside the shape), by node index.</param>
/// <param name="Loops">The dashed box of every loop, by loop index (null for a loop that names no node).</param>
internal sealed record SvgLayout(int Width, int Height, int LaneHeaderWidth, ImmutableArray<Box> Lanes, ImmutableArray<Box> Nodes, ImmutableArray<int> Columns,
    ImmutableArray<Box> Areas, ImmutableArray<Box?> Loops)
{
    internal const int Margin = 20;
    internal const int RowGap = 46;
    internal const int ColumnGap = 48;
    internal const int NodeWidth = 150;
    internal const int NodeHeight = 56;
    internal const int DiamondHeight = 84;
    internal const int CircleSize = 40;
    internal const int CircleLabelHeight = 34;
    internal const int TaskHeaderHeight = 30;
    internal const int TaskItemHeight = 18;
    internal const double CharWidth = 6.6; // a generous average for 13 px Helvetica, so text stays inside its shape
    internal const int LineHeight = 16;

    /// <summary>
    /// Lays out a graph. Columns are longest paths from the starts over the graph without its back edges (found
    /// by a depth-first search in declaration order), so every forward edge points right; nodes of one lane that
    /// share a column stack in sub-rows of that lane, so no two nodes ever overlap. Each column is as wide as its
    /// widest node, each gap as wide as the labels running straight across it. Deterministic: only declaration order
    /// decides ties. <paramref name="compaction"/> says which edges drawn straight down or up keep their column.
    /// </summary>
    public static SvgLayout Of(FlowGraph graph, Compaction compaction = Compaction.Vertical)
    {
        int count = graph.Nodes.Length;
        string?[] laneOf = [.. graph.Nodes.Select(n => n.Lane is { } lane && graph.FindLane(lane) is not null ? lane : null)];
        var laneIds = graph.Lanes.Select(l => (string?)l.Id).ToList();
        if (laneOf.Any(l => l is null))
        {
            laneIds.Add(null); // nodes outside any lane get a band of their own at the bottom
        }

        int[] laneIndex = [.. laneOf.Select(l => laneIds.IndexOf(l))];
        int[] column = Layering.Columns(graph.Digraph, graph.Starts.Select(n => n.Index), edge => KeepsColumn(graph, graph.Edges[edge], laneIndex, compaction) ? 0 : 1);

        // Sub-row of each node inside its lane: the first free row in its column, in declaration order, below the
        // source of an edge drawn straight down to it inside the lane.
        int[] row = new int[count];
        var used = new HashSet<(int Lane, int Column, int Row)>();
        int[] laneRows = new int[laneIds.Count];
        int[] laneRowHeight = new int[laneIds.Count];
        for (int i = 0; i < count; i++)
        {
            int lane = laneIndex[i];
            int next = 0;
            foreach (FlowEdge edge in graph.Nodes[i].Incoming)
            {
                if (edge.FromIndex < i && laneIndex[edge.FromIndex] == lane && column[edge.FromIndex] == column[i] && Vertical(edge, laneIndex))
                {
                    next = Math.Max(next, row[edge.FromIndex] + 1);
                }
            }

            while (!used.Add((lane, column[i], next)))
            {
                next++;
            }

            row[i] = next;
            laneRows[lane] = Math.Max(laneRows[lane], next + 1);
            laneRowHeight[lane] = Math.Max(laneRowHeight[lane], CellHeight(graph.Nodes[i]));
        }

        int columns = count == 0 ? 1 : column.Max() + 1;
        int[] columnWidth = new int[columns];
        for (int i = 0; i < count; i++)
        {
            columnWidth[column[i]] = Math.Max(columnWidth[column[i]], OccupiedWidth(graph.Nodes[i]));
        }

        // Each gap between two columns is wide enough for the labels of the edges that run straight across it.
        int[] gap = [.. Enumerable.Repeat(ColumnGap, columns)];
        foreach (FlowEdge edge in graph.Edges)
        {
            int from = column[edge.FromIndex], to = column[edge.ToIndex];
            if (edge.Label is { } label && Math.Abs(from - to) == 1)
            {
                int g = Math.Min(from, to);
                gap[g] = Math.Max(gap[g], EdgeRouter.LabelWidth(label) + 32); // clear of the arrowhead at one end
            }
        }

        int header = Math.Clamp(laneIds.Select(id => LaneTitle(id is null ? OutsideLanes : graph.FindLane(id)!.Label)).DefaultIfEmpty([string.Empty]).Max(TextWidth) + 32, 80, 150);
        int[] columnX = new int[columns]; // the left of each column
        int x = Margin + header + (ColumnGap / 2);
        for (int c = 0; c < columns; c++)
        {
            columnX[c] = x;
            x += Math.Max(columnWidth[c], CircleSize) + gap[c];
        }

        int width = x - (gap[columns - 1] / 2) + Margin;
        var lanes = ImmutableArray.CreateBuilder<Box>(laneIds.Count);
        int[] laneTop = new int[laneIds.Count];
        int y = Margin;
        for (int l = 0; l < laneIds.Count; l++)
        {
            int rows = Math.Max(1, laneRows[l]);
            int rowHeight = Math.Max(NodeHeight, laneRowHeight[l]) + RowGap;
            laneRowHeight[l] = rowHeight;
            int height = (rows * rowHeight) + RowGap;
            laneTop[l] = y;
            lanes.Add(new Box(Margin, y, width - (2 * Margin), height));
            y += height;
        }

        var nodes = ImmutableArray.CreateBuilder<Box>(count);
        for (int i = 0; i < count; i++)
        {
            FlowNode node = graph.Nodes[i];
            (int w, int h) = ShapeSize(node);
            int cellY = laneTop[laneIndex[i]] + RowGap + (row[i] * laneRowHeight[laneIndex[i]]);
            int cellHeight = laneRowHeight[laneIndex[i]] - RowGap;
            int top = CircleLabel(node) switch
            {
                LabelSide.Below => cellY + ((cellHeight - h - CircleLabelHeight) / 2),
                LabelSide.Above => cellY + ((cellHeight - h - CircleLabelHeight) / 2) + CircleLabelHeight,
                _ => cellY + ((cellHeight - h) / 2),
            };
            int columnCentre = columnX[column[i]] + (Math.Max(columnWidth[column[i]], CircleSize) / 2);
            nodes.Add(new Box(columnCentre - (w / 2), top, w, h));
        }

        ImmutableArray<Box> areas = [.. graph.Nodes.Select(n => Occupied(n, nodes[n.Index]))];
        ImmutableArray<Box?> loops = [.. graph.Loops.Select(l => LoopBox(graph, areas, l))];
        return new SvgLayout(width, y + Margin, header, lanes.MoveToImmutable(), nodes.MoveToImmutable(), [.. column], areas, loops);
    }

    /// <summary>The title of the band for nodes outside any lane.</summary>
    internal const string OutsideLanes = "(outside any lane)";

    /// <summary>A lane title's lines.</summary>
    internal static List<string> LaneTitle(string label) => SvgRenderer.Wrap(label, 16, 3);

    /// <summary>The lines of text drawn in (or, for a circle, under) a node's shape; they decide its width.</summary>
    internal static List<string> TextLines(FlowNode node) => node.Shape switch
    {
        NodeShape.Circle => Fit(node.DisplayText, 14, 2),
        NodeShape.Diamond => DiamondText(node.DisplayText).Lines,
        _ => Fit(node.DisplayText, 14, 3),
    };

    /// <summary>The size of a node's shape: as wide as its text needs, between a floor and <see cref="NodeWidth"/>.</summary>
    internal static (int Width, int Height) ShapeSize(FlowNode node)
    {
        switch (node.Shape)
        {
            case NodeShape.Circle:
                return (CircleSize, CircleSize);
            case NodeShape.Taskbox:
                return (NodeWidth, TaskHeaderHeight + (Math.Max(1, node.SubItems.Length) * TaskItemHeight) + 8);
            case NodeShape.Diamond:
                return (DiamondText(node.DisplayText).Width, DiamondHeight);
            default:
                return (Math.Clamp(TextWidth(TextLines(node)) + 20, 90, NodeWidth), NodeHeight);
        }
    }

    /// <summary>
    /// Where a circle's label goes: below it, unless an edge uses the bottom handle; then on the first side no edge
    /// uses (above, left, right), so no edge is drawn through the words. Null for other shapes.
    /// </summary>
    internal static LabelSide? CircleLabel(FlowNode node)
    {
        if (node.Shape != NodeShape.Circle)
        {
            return null;
        }

        HandleDirection[] used = [.. node.Outgoing.Select(e => e.FromHandle).Concat(node.Incoming.Select(e => e.ToHandle))];
        return !used.Contains(HandleDirection.Bottom) ? LabelSide.Below
            : !used.Contains(HandleDirection.Top) ? LabelSide.Above
            : !used.Contains(HandleDirection.Left) ? LabelSide.Left
            : !used.Contains(HandleDirection.Right) ? LabelSide.Right
            : LabelSide.Below;
    }

    // What a node occupies on the picture: its shape, and a circle's label beside it.
    private static Box Occupied(FlowNode node, Box box)
    {
        int text = node.Shape == NodeShape.Circle ? TextWidth(TextLines(node)) + 8 : 0;
        int wide = Math.Max(CircleSize, text);
        return CircleLabel(node) switch
        {
            LabelSide.Below => new Box(box.CenterX - (wide / 2), box.Y, wide, box.Height + CircleLabelHeight - 4),
            LabelSide.Above => new Box(box.CenterX - (wide / 2), box.Y - CircleLabelHeight + 4, wide, box.Height + CircleLabelHeight - 4),
            LabelSide.Left => new Box(box.X - text, box.Y - 4, box.Width + text, box.Height + 8),
            LabelSide.Right => new Box(box.X, box.Y - 4, box.Width + text, box.Height + 8),
            _ => box,
        };
    }

    // The dashed box drawn around a loop's nodes (room for its title above them), or null when it names none.
    private static Box? LoopBox(FlowGraph graph, ImmutableArray<Box> areas, FlowLoop loop)
    {
        Box[] boxes = [.. loop.Nodes.Select(id => graph.FindNode(id)).OfType<FlowNode>().Select(n => areas[n.Index])];
        if (boxes.Length == 0)
        {
            return null;
        }

        int x = boxes.Min(b => b.X) - 14, y = boxes.Min(b => b.Y) - 24;
        return new Box(x, y, boxes.Max(b => b.Right) + 14 - x, boxes.Max(b => b.Bottom) + 10 - y);
    }

    /// <summary>The width a node's column must give it: its shape, or a circle with its label (on both sides, centred).</summary>
    internal static int OccupiedWidth(FlowNode node)
    {
        int text = node.Shape == NodeShape.Circle ? TextWidth(TextLines(node)) + 8 : 0;
        return CircleLabel(node) switch
        {
            LabelSide.Below or LabelSide.Above => Math.Max(CircleSize, text),
            LabelSide.Left or LabelSide.Right => CircleSize + (2 * text),
            _ => ShapeSize(node).Width,
        };
    }

    // A diamond narrows away from its middle, so each line must fit the width at its height: of the ways to break the
    // text into at most three uncut lines, the one that needs the narrowest diamond.
    private static (List<string> Lines, int Width) DiamondText(string text)
    {
        (List<string> Lines, int Width)? best = null;
        for (int w = 8; w <= 20; w++)
        {
            List<string> lines = SvgRenderer.Wrap(text, w, 3);
            if (lines.Any(l => l.Contains('\u2026', StringComparison.Ordinal)) && w < 20)
            {
                continue;
            }

            double needed = 0;
            for (int i = 0; i < lines.Count; i++)
            {
                double offset = Math.Abs((i - ((lines.Count - 1) / 2.0)) * LineHeight) + 6;
                needed = Math.Max(needed, lines[i].Length * CharWidth / (1 - (2 * offset / DiamondHeight)));
            }

            int width = Math.Max(90, (int)Math.Ceiling(needed) + 12);
            if (best is null || width < best.Value.Width)
            {
                best = (lines, width);
            }
        }

        return best!.Value;
    }

    private static int TextWidth(List<string> lines) => (int)Math.Ceiling(lines.Max(l => l.Length) * CharWidth);

    /// <summary>Widened to <paramref name="width"/> (when an edge or label reaches beyond the columns).</summary>
    internal SvgLayout Widen(int width) => width <= Width ? this
        : this with { Width = width, Lanes = [.. Lanes.Select(l => l with { Width = width - (2 * Margin) })] };

    private static bool KeepsColumn(FlowGraph graph, FlowEdge edge, int[] laneIndex, Compaction compaction) => compaction switch
    {
        Compaction.Vertical => Vertical(edge, laneIndex),
        Compaction.HandOffs => Vertical(edge, laneIndex) && laneIndex[edge.FromIndex] != laneIndex[edge.ToIndex]
            && graph.Nodes[edge.FromIndex].Outgoing.Length == 1 && graph.Nodes[edge.ToIndex].Incoming.Length == 1,
        _ => false,
    };

    // Drawn straight down or up: the target can keep the source's column.
    private static bool Vertical(FlowEdge edge, int[] laneIndex)
    {
        int from = laneIndex[edge.FromIndex], to = laneIndex[edge.ToIndex];
        return (edge.FromHandle == HandleDirection.Bottom && edge.ToHandle == HandleDirection.Top && to >= from)
            || (edge.FromHandle == HandleDirection.Top && edge.ToHandle == HandleDirection.Bottom && to < from);
    }

    // Lines of at most `width` characters, wider (up to 20) when the text would otherwise be cut.
    private static List<string> Fit(string text, int width, int maxLines)
    {
        for (int w = width; w < 20; w++)
        {
            List<string> lines = SvgRenderer.Wrap(text, w, maxLines);
            if (!lines.Any(l => l.Contains('\u2026', StringComparison.Ordinal)))
            {
                return lines;
            }
        }

        return SvgRenderer.Wrap(text, 20, maxLines);
    }

    private static int CellHeight(FlowNode node)
    {
        (_, int h) = ShapeSize(node);
        return node.Shape == NodeShape.Circle ? h + CircleLabelHeight : h;
    }
}
