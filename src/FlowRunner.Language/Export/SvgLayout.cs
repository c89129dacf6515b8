using System.Collections.Immutable;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Export;

/// <summary>A rectangle in SVG user units (pixels).</summary>
public readonly record struct Box(int X, int Y, int Width, int Height)
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
public sealed record SvgLayout(int Width, int Height, ImmutableArray<Box> Lanes, ImmutableArray<Box> Nodes, ImmutableArray<int> Columns)
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
    /// Lays out a model. Columns are longest paths from the starts over the graph without its back edges (found
    /// by a depth-first search in declaration order), so every forward edge points right; nodes of one lane that
    /// share a column stack in sub-rows of that lane, so no two nodes ever overlap. Deterministic: only
    /// declaration order decides ties.
    /// </summary>
    public static SvgLayout Of(FlowModel model)
    {
        int count = model.Nodes.Length;
        int[] column = ComputeColumns(model);
        string?[] laneOf = [.. model.Nodes.Select(n => n.Lane is { } lane && model.FindLane(lane) is not null ? lane : null)];
        var laneIds = model.Lanes.Select(l => (string?)l.Id).ToList();
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
            laneRowHeight[lane] = Math.Max(laneRowHeight[lane], CellHeight(model.Nodes[i]));
        }

        int columns = count == 0 ? 1 : column.Max() + 1;
        int width = Margin + LaneHeaderWidth + (columns * ColumnWidth) + Margin;
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
            NodeModel node = model.Nodes[i];
            (int w, int h) = ShapeSize(node);
            int cellX = Margin + LaneHeaderWidth + (column[i] * ColumnWidth);
            int cellY = laneTop[laneIndex[i]] + RowGap + (row[i] * laneRowHeight[laneIndex[i]]);
            int cellHeight = laneRowHeight[laneIndex[i]] - RowGap;
            int top = node.Shape == NodeShape.Circle ? cellY + ((cellHeight - h - CircleLabelHeight) / 2) : cellY + ((cellHeight - h) / 2);
            nodes.Add(new Box(cellX + ((ColumnWidth - w) / 2), top, w, h));
        }

        return new SvgLayout(width, y + Margin, lanes.MoveToImmutable(), nodes.MoveToImmutable(), [.. column]);
    }

    /// <summary>The size of a node's shape.</summary>
    internal static (int Width, int Height) ShapeSize(NodeModel node) => node.Shape switch
    {
        NodeShape.Circle => (CircleSize, CircleSize),
        NodeShape.Diamond => (NodeWidth, DiamondSize),
        NodeShape.Taskbox => (NodeWidth, TaskHeaderHeight + (Math.Max(1, node.SubItems.Length) * TaskItemHeight) + 8),
        _ => (NodeWidth, NodeHeight),
    };

    private static int CellHeight(NodeModel node)
    {
        (_, int h) = ShapeSize(node);
        return node.Shape == NodeShape.Circle ? h + CircleLabelHeight : h;
    }

    /// <summary>Longest path from the roots over forward edges; back edges (closing cycles) are ignored.</summary>
    private static int[] ComputeColumns(FlowModel model)
    {
        int count = model.Nodes.Length;
        bool[] isBack = BackEdges(model);
        int[] inDegree = new int[count];
        foreach (EdgeModel edge in model.Edges)
        {
            if (!isBack[edge.Index])
            {
                inDegree[edge.ToIndex]++;
            }
        }

        int[] column = new int[count];
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < count; i++)
        {
            if (inDegree[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        while (ready.TryDequeue(out int node, out _))
        {
            foreach (EdgeModel edge in model.Outgoing(model.Nodes[node]))
            {
                if (isBack[edge.Index])
                {
                    continue;
                }

                column[edge.ToIndex] = Math.Max(column[edge.ToIndex], column[node] + 1);
                if (--inDegree[edge.ToIndex] == 0)
                {
                    ready.Enqueue(edge.ToIndex, edge.ToIndex);
                }
            }
        }

        return column;
    }

    /// <summary>Edges that close a cycle in a depth-first search from the starts, then from any node left, in declaration order.</summary>
    private static bool[] BackEdges(FlowModel model)
    {
        int count = model.Nodes.Length;
        bool[] isBack = new bool[model.Edges.Length];
        byte[] state = new byte[count]; // 0 new, 1 on the path, 2 done
        var stack = new Stack<(int Node, int Next)>();
        IEnumerable<int> roots = model.Starts.Select(n => n.Index).Concat(Enumerable.Range(0, count));
        foreach (int root in roots)
        {
            if (state[root] != 0)
            {
                continue;
            }

            state[root] = 1;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                (int node, int next) = stack.Pop();
                ArraySegment<EdgeModel> outgoing = model.Outgoing(model.Nodes[node]);
                if (next < outgoing.Count)
                {
                    stack.Push((node, next + 1));
                    EdgeModel edge = outgoing[next];
                    switch (state[edge.ToIndex])
                    {
                        case 0:
                            state[edge.ToIndex] = 1;
                            stack.Push((edge.ToIndex, 0));
                            break;
                        case 1:
                            isBack[edge.Index] = true;
                            break;
                    }
                }
                else
                {
                    state[node] = 2;
                }
            }
        }

        return isBack;
    }
}
