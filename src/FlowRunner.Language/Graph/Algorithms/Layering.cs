namespace FlowRunner.Language.Graph.Algorithms;

/// <summary>Columns for drawing: every forward edge points right, edges that close a cycle are set aside.</summary>
internal static class Layering
{
    /// <summary>
    /// The edges that close a cycle in a depth-first search from <paramref name="roots"/>, then from any node left,
    /// each in order, by edge number.
    /// </summary>
    public static bool[] BackEdges(Digraph graph, IEnumerable<int> roots)
    {
        int count = graph.NodeCount;
        bool[] isBack = new bool[graph.EdgeCount];
        byte[] state = new byte[count]; // 0 new, 1 on the path, 2 done
        var stack = new Stack<(int Node, int Next)>();
        foreach (int root in roots.Concat(Enumerable.Range(0, count)))
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
                IReadOnlyList<(int Edge, int Node)> outgoing = graph.Out(node);
                if (next >= outgoing.Count)
                {
                    state[node] = 2;
                    continue;
                }

                stack.Push((node, next + 1));
                (int edge, int target) = outgoing[next];
                if (state[target] == 0)
                {
                    state[target] = 1;
                    stack.Push((target, 0));
                }
                else if (state[target] == 1)
                {
                    isBack[edge] = true;
                }
            }
        }

        return isBack;
    }

    /// <summary>
    /// The column of every node: the longest path to it from a node without forward edges in, ignoring back edges, where
    /// an edge counts <paramref name="advance"/> columns (1 unless given; 0 keeps its target in its source's column).
    /// </summary>
    public static int[] Columns(Digraph graph, IEnumerable<int> roots, Func<int, int>? advance = null)
    {
        int count = graph.NodeCount;
        bool[] isBack = BackEdges(graph, roots);
        int[] inDegree = new int[count];
        for (int node = 0; node < count; node++)
        {
            foreach ((int edge, int target) in graph.Out(node).Where(e => !isBack[e.Edge]))
            {
                inDegree[target]++;
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
            foreach ((int edge, int target) in graph.Out(node).Where(e => !isBack[e.Edge]))
            {
                column[target] = Math.Max(column[target], column[node] + (advance?.Invoke(edge) ?? 1));
                if (--inDegree[target] == 0)
                {
                    ready.Enqueue(target, target);
                }
            }
        }

        return column;
    }
}
