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

/// <summary>Where everything of a diagram goes: lanes as rows, nodes in columns by their distance from a start.</summary>
/// <param name="Width">The drawing's width.</param>
/// <param name="Height">The drawing's height.</param>
/// <param name="Lanes">One band per lane, in declaration order.</param>
/// <param name="Nodes">One box per node, by node index (the shape's own box; a circle's label sits below it).</param>
/// <param name="Columns">The column of every node, by node index.</param>
internal sealed record SvgLayout(int Width, int Height, ImmutableArray<Box> Lanes, ImmutableArray<Box> Nodes, ImmutableArray<int> Columns)
{
    internal const int LaneHeaderWidth = 150;
    internal const int ColumnWidth = 210;
    internal const int Margin = 20;
    internal const int RowGap = 46;
    internal const int NodeWidth = 150;
    internal const int NodeHeight = 56;
    internal const int DiamondSize = 84;
    internal const int CircleSize = 40;
    internal const int CircleLabelHeight = 34;
    internal const int TaskHeaderHeight = 30;
    internal const int TaskItemHeight = 18;

    /// <summary>
    /// Lays out a graph. Columns are longest paths from the starts over the graph without its back edges (found
    /// by a depth-first search in declaration order), so every forward edge points right; nodes of one lane that
    /// share a column stack in sub-rows of that lane, so no two nodes ever overlap. Deterministic: only
    /// declaration order decides ties. With <paramref name="compact"/>, a plain hand-off between lanes drawn with top and
    /// bottom handles does not move right a column.
    /// </summary>
    public static SvgLayout Of(FlowGraph graph, bool compact = true)
    {
        int count = graph.Nodes.Length;
        // A plain hand-off drawn downwards or upwards to another lane (bottom or top handles at both ends, the only edge
        // out of its source and into its target) keeps its column, as FlowZap draws it: the picture does not spread
        // right at every hand-off between lanes.
        int[] column = Layering.Columns(graph.Digraph, graph.Starts.Select(n => n.Index), edge =>
        {
            FlowEdge e = graph.Edges[edge];
            FlowNode from = graph.Nodes[e.FromIndex], to = graph.Nodes[e.ToIndex];
            bool vertical = e.FromHandle is HandleDirection.Top or HandleDirection.Bottom && e.ToHandle is HandleDirection.Top or HandleDirection.Bottom;
            return compact && vertical && from.Lane != to.Lane && from.Outgoing.Length == 1 && to.Incoming.Length == 1 ? 0 : 1;
        });
        string?[] laneOf = [.. graph.Nodes.Select(n => n.Lane is { } lane && graph.FindLane(lane) is not null ? lane : null)];
        var laneIds = graph.Lanes.Select(l => (string?)l.Id).ToList();
        if (laneOf.Any(l => l is null))
        {
            laneIds.Add(null); // nodes outside any lane get a band of their own at the bottom
        }

        // Sub-row of each node inside its lane: the first free row in its column, in declaration order.
        int[] row = new int[count];
        var used = new Dictionary<(int Lane, int Column), int>();
        int[] laneRows = new int[laneIds.Count];
        int[] laneRowHeight = new int[laneIds.Count];
        int[] laneIndex = new int[count];
        for (int i = 0; i < count; i++)
        {
            int lane = laneIds.IndexOf(laneOf[i]);
            laneIndex[i] = lane;
            int next = used.GetValueOrDefault((lane, column[i]));
            row[i] = next;
            used[(lane, column[i])] = next + 1;
            laneRows[lane] = Math.Max(laneRows[lane], next + 1);
            laneRowHeight[lane] = Math.Max(laneRowHeight[lane], CellHeight(graph.Nodes[i]));
        }

        int columns = count == 0 ? 1 : column.Max() + 1;

        // Each gap between two columns is wide enough for the labels of the edges that run straight across it.
        int[] gap = [.. Enumerable.Repeat(ColumnWidth - NodeWidth, columns)];
        foreach (FlowEdge edge in graph.Edges)
        {
            int from = column[edge.FromIndex], to = column[edge.ToIndex];
            if (edge.Label is { } label && Math.Abs(from - to) == 1)
            {
                int g = Math.Min(from, to);
                gap[g] = Math.Max(gap[g], EdgeRouter.LabelWidth(label) + (2 * EdgeRouter.Stub) + 24);
            }
        }

        int[] columnX = new int[columns + 1];
        columnX[0] = Margin + LaneHeaderWidth + (gap[0] / 2);
        for (int c = 1; c <= columns; c++)
        {
            columnX[c] = columnX[c - 1] + NodeWidth + gap[c - 1];
        }

        int width = columnX[columns] - (gap[columns - 1] / 2) + Margin;
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
            int top = node.Shape == NodeShape.Circle ? cellY + ((cellHeight - h - CircleLabelHeight) / 2) : cellY + ((cellHeight - h) / 2);
            nodes.Add(new Box(columnX[column[i]] + ((NodeWidth - w) / 2), top, w, h));
        }

        return new SvgLayout(width, y + Margin, lanes.MoveToImmutable(), nodes.MoveToImmutable(), [.. column]);
    }

    /// <summary>The size of a node's shape.</summary>
    internal static (int Width, int Height) ShapeSize(FlowNode node) => node.Shape switch
    {
        NodeShape.Circle => (CircleSize, CircleSize),
        NodeShape.Diamond => (NodeWidth, DiamondSize),
        NodeShape.Taskbox => (NodeWidth, TaskHeaderHeight + (Math.Max(1, node.SubItems.Length) * TaskItemHeight) + 8),
        _ => (NodeWidth, NodeHeight),
    };

    private static int CellHeight(FlowNode node)
    {
        (_, int h) = ShapeSize(node);
        return node.Shape == NodeShape.Circle ? h + CircleLabelHeight : h;
    }
}
