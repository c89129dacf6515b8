using System.Collections.Immutable;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Rendering;

/// <summary>An edge's drawn route and where its label goes (null without a label); <c>LabelClear</c> is false when no spot clear of everything else was found.</summary>
internal sealed record EdgeRoute(ImmutableArray<(int X, int Y)> Points, Box? Label, bool LabelClear = true);

/// <summary>
/// Routes every edge of a laid-out diagram orthogonally: out of its source handle, around every node (with a margin)
/// along the lines between nodes and in the channels between them, into its target handle. A shortest path with a
/// cost per bend, a high cost for running on a line an unrelated edge already uses and a small one per crossing, so
/// edges take their own tracks and back edges go around the row instead of through it. Labels then go on their own
/// edge's longest free segment, clear of nodes, other edges and other labels. Deterministic: edges are routed in
/// declaration order and every tie is broken by coordinates.
/// </summary>
internal static class EdgeRouter
{
    internal const int Stub = 14;
    private const int Margin = 10;
    private const int BendCost = 40;
    private const int SharedLineCost = 400;
    private const int RelatedSharedLineCost = 120;
    private const int LabelledBundleCost = 15;
    private const int CrossingCost = 80;
    private const int Window = 240; // how far beyond the two ends a route may wander
    private const int MaxExpansions = 200_000;

    public static ImmutableArray<EdgeRoute> Route(FlowGraph graph, SvgLayout layout)
    {
        Box[] obstacles = [.. layout.Areas.Select(a => Inflate(a, Margin))];
        var used = new Used();
        var routes = new List<ImmutableArray<(int X, int Y)>>(graph.Edges.Length);
        foreach (FlowEdge edge in graph.Edges)
        {
            ImmutableArray<(int X, int Y)> points = RouteOne(edge, layout, obstacles, used);
            used.Add(edge, points);
            routes.Add(points);
        }

        // Labels after every route is known, so none is put where a later edge runs.
        var placed = new List<Box>();
        Box[] nodeAreas = [.. layout.Areas];
        Box[] loops = [.. layout.Loops.OfType<Box>()];
        var result = ImmutableArray.CreateBuilder<EdgeRoute>(graph.Edges.Length);
        for (int i = 0; i < graph.Edges.Length; i++)
        {
            (Box Box, bool Clear)? label = graph.Edges[i].Label is { } text ? PlaceLabel(LabelWidth(text), routes, i, nodeAreas, placed, loops) : null;
            if (label is { } found)
            {
                placed.Add(found.Box);
            }

            result.Add(new EdgeRoute(routes[i], label?.Box, label?.Clear ?? true));
        }

        return result.MoveToImmutable();
    }

    /// <summary>How many times one route's segment crosses another's at a right angle (away from their ends).</summary>
    internal static int Crossings(ImmutableArray<EdgeRoute> routes)
    {
        int crossings = 0;
        for (int i = 0; i < routes.Length; i++)
        {
            for (int j = i + 1; j < routes.Length; j++)
            {
                ImmutableArray<(int X, int Y)> a = routes[i].Points, b = routes[j].Points;
                for (int s = 0; s + 1 < a.Length; s++)
                {
                    for (int t = 0; t + 1 < b.Length; t++)
                    {
                        crossings += Cross(a[s], a[s + 1], b[t], b[t + 1]) || Cross(b[t], b[t + 1], a[s], a[s + 1]) ? 1 : 0;
                    }
                }
            }
        }

        return crossings;

        // A horizontal segment p-q and a vertical one u-v crossing strictly inside both.
        static bool Cross((int X, int Y) p, (int X, int Y) q, (int X, int Y) u, (int X, int Y) v) =>
            p.Y == q.Y && u.X == v.X && p.X != q.X && u.Y != v.Y
            && u.X > Math.Min(p.X, q.X) && u.X < Math.Max(p.X, q.X) && p.Y > Math.Min(u.Y, v.Y) && p.Y < Math.Max(u.Y, v.Y);
    }

    /// <summary>The label text as drawn (at most 30 characters) and the width of its box.</summary>
    internal static string LabelText(string label) => label.Length <= 30 ? label : label[..29] + "\u2026";

    internal static int LabelWidth(string label) => (LabelText(label).Length * 7) + 8;

    private const int LabelHeight = 17;

    private static Box Inflate(Box box, int by) => new(box.X - by, box.Y - by, box.Width + (2 * by), box.Height + (2 * by));

    private static (int X, int Y) Step((int X, int Y) point, HandleDirection direction, int length) => direction switch
    {
        HandleDirection.Left => (point.X - length, point.Y),
        HandleDirection.Right => (point.X + length, point.Y),
        HandleDirection.Top => (point.X, point.Y - length),
        _ => (point.X, point.Y + length),
    };

    private static ImmutableArray<(int X, int Y)> RouteOne(FlowEdge edge, SvgLayout layout, Box[] obstacles, Used used)
    {
        Box from = layout.Nodes[edge.FromIndex];
        Box to = layout.Nodes[edge.ToIndex];
        (int X, int Y) start = from.Handle(edge.FromHandle);
        (int X, int Y) end = to.Handle(edge.ToHandle);
        (int X, int Y) a = Step(start, edge.FromHandle, Stub + Margin);
        (int X, int Y) b = Step(end, edge.ToHandle, Stub + Margin);
        List<(int X, int Y)>? middle = Search(edge, a, b, obstacles, used);
        var points = new List<(int X, int Y)> { start };
        points.AddRange(middle ?? Elbow(a, edge.FromHandle, b, edge.ToHandle));
        points.Add(end);
        return Simplify(points);
    }

    // The plain route when the search finds none: an orthogonal elbow between the two stubs.
    private static List<(int X, int Y)> Elbow((int X, int Y) a, HandleDirection fromHandle, (int X, int Y) b, HandleDirection toHandle)
    {
        bool horizontalOut = fromHandle is HandleDirection.Left or HandleDirection.Right;
        bool horizontalIn = toHandle is HandleDirection.Left or HandleDirection.Right;
        var points = new List<(int X, int Y)> { a };
        if (horizontalOut && horizontalIn)
        {
            points.Add(((a.X + b.X) / 2, a.Y));
            points.Add(((a.X + b.X) / 2, b.Y));
        }
        else if (!horizontalOut && !horizontalIn)
        {
            points.Add((a.X, (a.Y + b.Y) / 2));
            points.Add((b.X, (a.Y + b.Y) / 2));
        }
        else
        {
            points.Add(horizontalOut ? (b.X, a.Y) : (a.X, b.Y));
        }

        points.Add(b);
        return points;
    }

    private static ImmutableArray<(int X, int Y)> Simplify(List<(int X, int Y)> points)
    {
        var route = new List<(int X, int Y)>(points.Count);
        foreach ((int X, int Y) point in points)
        {
            if (route.Count > 0 && route[^1] == point)
            {
                continue;
            }

            // Drop the middle of three points on one line.
            if (route.Count >= 2 && ((route[^2].X == route[^1].X && route[^1].X == point.X) || (route[^2].Y == route[^1].Y && route[^1].Y == point.Y)))
            {
                route[^1] = point;
                continue;
            }

            route.Add(point);
        }

        return [.. route];
    }

    /// <summary>A cheapest orthogonal path from <paramref name="a"/> to <paramref name="b"/> over the lines around the obstacles.</summary>
    private static List<(int X, int Y)>? Search(FlowEdge edge, (int X, int Y) a, (int X, int Y) b, Box[] obstacles, Used used)
    {
        int left = Math.Min(a.X, b.X) - Window, right = Math.Max(a.X, b.X) + Window;
        int top = Math.Min(a.Y, b.Y) - Window, bottom = Math.Max(a.Y, b.Y) + Window;
        // An end in another node's margin (nodes stacked close) keeps only that node's own box as the obstacle.
        Box[] near = [.. obstacles.Where(o => o.Right >= left && o.X <= right && o.Bottom >= top && o.Y <= bottom)
            .Select(o => Inside(o, a) || Inside(o, b) ? Inflate(o, -Margin) : o)
            .Where(o => !Inside(o, a) && !Inside(o, b))];
        int[] xs = Coordinates(near.SelectMany(o => new[] { o.X, o.Right }), a.X, b.X, left, right);
        int[] ys = Coordinates(near.SelectMany(o => new[] { o.Y, o.Bottom }), a.Y, b.Y, top, bottom);
        int ax = Array.BinarySearch(xs, a.X), ay = Array.BinarySearch(ys, a.Y);
        int bx = Array.BinarySearch(xs, b.X), by = Array.BinarySearch(ys, b.Y);

        // States: grid point and the direction of arrival (0 none, 1 horizontal, 2 vertical).
        int width = xs.Length, height = ys.Length;
        var cost = new Dictionary<int, long>();
        var previous = new Dictionary<int, int>();
        var open = new PriorityQueue<int, (long, int)>();
        int Key(int x, int y, int d) => (((y * width) + x) * 3) + d;
        int startKey = Key(ax, ay, 0);
        cost[startKey] = 0;
        open.Enqueue(startKey, (Distance(a, b), startKey));
        int expansions = 0;
        while (open.TryDequeue(out int key, out _))
        {
            if (++expansions > MaxExpansions)
            {
                return null;
            }

            int d = key % 3, cell = key / 3, x = cell % width, y = cell / width;
            if (x == bx && y == by)
            {
                var path = new List<(int X, int Y)>();
                for (int k = key; ; k = previous[k])
                {
                    int c = k / 3;
                    path.Add((xs[c % width], ys[c / width]));
                    if (k == startKey)
                    {
                        break;
                    }
                }

                path.Reverse();
                return path;
            }

            long here = cost[key];
            foreach ((int dx, int dy) in Moves)
            {
                int nx = x + dx, ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= width || ny >= height)
                {
                    continue;
                }

                (int X, int Y) p = (xs[x], ys[y]);
                (int X, int Y) q = (xs[nx], ys[ny]);
                if (Blocked(near, ((p.X + q.X) / 2.0, (p.Y + q.Y) / 2.0)))
                {
                    continue;
                }

                int nd = dx != 0 ? 1 : 2;
                long step = Distance(p, q) + (d != 0 && d != nd ? BendCost : 0) + used.Penalty(edge, p, q);
                int next = Key(nx, ny, nd);
                if (!cost.TryGetValue(next, out long known) || here + step < known)
                {
                    cost[next] = here + step;
                    previous[next] = key;
                    open.Enqueue(next, (here + step + Distance(q, b), next));
                }
            }
        }

        return null;
    }

    private static readonly (int Dx, int Dy)[] Moves = [(1, 0), (-1, 0), (0, 1), (0, -1)];

    private static long Distance((int X, int Y) p, (int X, int Y) q) => Math.Abs(p.X - q.X) + Math.Abs(p.Y - q.Y);

    private static bool Inside(Box box, (int X, int Y) point) => point.X > box.X && point.X < box.Right && point.Y > box.Y && point.Y < box.Bottom;

    // Strictly inside an obstacle: the lines around obstacles are free, their insides are not.
    private static bool Blocked(Box[] obstacles, (double X, double Y) point) =>
        obstacles.Any(o => point.X > o.X && point.X < o.Right && point.Y > o.Y && point.Y < o.Bottom);

    // The obstacle sides, the two ends, and tracks in every gap between them (its middle, and its quarters when wide),
    // so parallel edges find lines of their own.
    private static int[] Coordinates(IEnumerable<int> sides, int a, int b, int low, int high)
    {
        var lines = new SortedSet<int>(sides.Where(v => v >= low && v <= high)) { a, b, low, high };
        int[] sorted = [.. lines];
        for (int i = 0; i + 1 < sorted.Length; i++)
        {
            int gap = sorted[i + 1] - sorted[i];
            if (gap >= 12)
            {
                lines.Add(sorted[i] + (gap / 2));
            }

            if (gap >= 32)
            {
                lines.Add(sorted[i] + (gap / 4));
                lines.Add(sorted[i] + (3 * gap / 4));
            }
        }

        return [.. lines];
    }

    private static (Box Box, bool Clear)? PlaceLabel(int width, List<ImmutableArray<(int X, int Y)>> routes, int index, Box[] nodes, List<Box> placed, Box[] loops)
    {
        ImmutableArray<(int X, int Y)> points = routes[index];
        var segments = Enumerable.Range(0, points.Length - 1)
            .Select(i => (From: points[i], To: points[i + 1], Length: Distance(points[i], points[i + 1])))
            .OrderByDescending(s => s.Length).ThenBy(s => s.From.X).ThenBy(s => s.From.Y)
            .ToList();
        Box? first = null;
        foreach (((int X, int Y) from, (int X, int Y) to, long _) in segments)
        {
            // Centred on the line first; then beside it, the line still crossing the box near its side.
            bool vertical = from.X == to.X;
            int side = vertical ? (width / 2) - 4 : (LabelHeight / 2) - 3;
            foreach (int shift in new[] { 0, side, -side })
            {
                foreach (double at in Positions)
                {
                    int cx = from.X + (int)Math.Round((to.X - from.X) * at) + (vertical ? shift : 0);
                    int cy = from.Y + (int)Math.Round((to.Y - from.Y) * at) + (vertical ? 0 : shift);
                    var box = new Box(cx - (width / 2), cy - (LabelHeight / 2), width, LabelHeight);
                    first ??= box;
                    if (!nodes.Any(n => n.Overlaps(box)) && !placed.Any(p => p.Overlaps(box)) && !loops.Any(l => OnBorder(l, box))
                        && !routes.Where((_, i) => i != index).Any(r => Touches(r, box)))
                    {
                        return (box, true);
                    }
                }
            }
        }

        return first is { } fallback ? (fallback, false) : null;
    }

    // True when the box covers part of the loop's dashed outline (the label would hide it).
    private static bool OnBorder(Box loop, Box box) =>
        box.Overlaps(loop) && !(box.X > loop.X && box.Right < loop.Right && box.Y > loop.Y && box.Bottom < loop.Bottom);

    // Along a segment, from its middle outwards.
    private static readonly double[] Positions = [.. Enumerable.Range(1, 19).Select(i => i / 20.0).OrderBy(p => Math.Abs(p - 0.5)).ThenBy(p => p)];

    private static bool Touches(ImmutableArray<(int X, int Y)> route, Box box)
    {
        for (int i = 0; i + 1 < route.Length; i++)
        {
            int left = Math.Min(route[i].X, route[i + 1].X), right = Math.Max(route[i].X, route[i + 1].X);
            int top = Math.Min(route[i].Y, route[i + 1].Y), bottom = Math.Max(route[i].Y, route[i + 1].Y);
            if (left <= box.Right && right >= box.X && top <= box.Bottom && bottom >= box.Y)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lines routed edges run on, to keep unrelated edges off each other's lines.</summary>
    private sealed class Used
    {
        private readonly Dictionary<int, List<(int From, int To, FlowEdge Edge)>> _horizontal = [];
        private readonly Dictionary<int, List<(int From, int To, FlowEdge Edge)>> _vertical = [];

        public void Add(FlowEdge edge, ImmutableArray<(int X, int Y)> points)
        {
            for (int i = 0; i + 1 < points.Length; i++)
            {
                (int X, int Y) p = points[i], q = points[i + 1];
                if (p.Y == q.Y)
                {
                    Lines(_horizontal, p.Y).Add((Math.Min(p.X, q.X), Math.Max(p.X, q.X), edge));
                }
                else
                {
                    Lines(_vertical, p.X).Add((Math.Min(p.Y, q.Y), Math.Max(p.Y, q.Y), edge));
                }
            }
        }

        public long Penalty(FlowEdge edge, (int X, int Y) p, (int X, int Y) q)
        {
            long penalty = 0;
            bool horizontal = p.Y == q.Y;
            (int line, int low, int high) = horizontal ? (p.Y, Math.Min(p.X, q.X), Math.Max(p.X, q.X)) : (p.X, Math.Min(p.Y, q.Y), Math.Max(p.Y, q.Y));
            if ((horizontal ? _horizontal : _vertical).TryGetValue(line, out var along))
            {
                foreach ((int from, int to, FlowEdge other) in along)
                {
                    if (Math.Min(high, to) - Math.Max(low, from) > 0)
                    {
                        penalty += Bundled(edge, other) ? (edge.Label is null || other.Label is null ? 0 : LabelledBundleCost)
                            : Related(edge, other) ? RelatedSharedLineCost : SharedLineCost;
                    }
                }
            }

            // A line across the arrival point: one crossing.
            (int at, int across) = horizontal ? (q.X, q.Y) : (q.Y, q.X);
            if ((horizontal ? _vertical : _horizontal).TryGetValue(at, out var crossing))
            {
                foreach ((int from, int to, FlowEdge other) in crossing)
                {
                    if (across > from && across < to && !Related(edge, other))
                    {
                        penalty += CrossingCost;
                    }
                }
            }

            return penalty;
        }

        // Edges out of one handle, or into one, run together as a bundle (a fork, a merge): FlowZap draws them so. Two
        // labelled edges run together only where they must, so each keeps a stretch of its own for its label.
        private static bool Bundled(FlowEdge a, FlowEdge b) =>
            (a.FromIndex == b.FromIndex && a.FromHandle == b.FromHandle) || (a.ToIndex == b.ToIndex && a.ToHandle == b.ToHandle);

        private static bool Related(FlowEdge a, FlowEdge b) =>
            a.FromIndex == b.FromIndex || a.FromIndex == b.ToIndex || a.ToIndex == b.FromIndex || a.ToIndex == b.ToIndex;

        private static List<(int From, int To, FlowEdge Edge)> Lines(Dictionary<int, List<(int From, int To, FlowEdge Edge)>> lines, int at)
        {
            if (!lines.TryGetValue(at, out var list))
            {
                lines[at] = list = [];
            }

            return list;
        }
    }
}
