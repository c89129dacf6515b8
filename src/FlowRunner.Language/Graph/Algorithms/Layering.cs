namespace FlowRunner.Language.Graph.Algorithms;

/// <summary>Columns for drawing: every forward edge points right, edges that close a cycle are set aside.</summary>
internal static class Layering
{
    /// <summary>
    /// The edges that close a cycle in a depth-first search from the starts, then from any node left, each in
    /// declaration order, by edge index.
    /// </summary>
    public static bool[] BackEdges(FlowGraph graph)
    {
        int count = graph.Nodes.Length;
        bool[] isBack = new bool[graph.Edges.Length];
        byte[] state = new byte[count]; // 0 new, 1 on the path, 2 done
        var stack = new Stack<(int Node, int Next)>();
        foreach (int root in graph.Starts.Select(n => n.Index).Concat(Enumerable.Range(0, count)))
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
                var outgoing = graph.Nodes[node].Outgoing;
                if (next >= outgoing.Length)
                {
                    state[node] = 2;
                    continue;
                }

                stack.Push((node, next + 1));
                FlowEdge edge = outgoing[next];
                if (state[edge.ToIndex] == 0)
                {
                    state[edge.ToIndex] = 1;
                    stack.Push((edge.ToIndex, 0));
                }
                else if (state[edge.ToIndex] == 1)
                {
                    isBack[edge.Index] = true;
                }
            }
        }

        return isBack;
    }

    /// <summary>The column of every node: the longest path to it from a node without forward edges in, ignoring back edges.</summary>
    public static int[] Columns(FlowGraph graph)
    {
        int count = graph.Nodes.Length;
        bool[] isBack = BackEdges(graph);
        int[] inDegree = new int[count];
        foreach (FlowEdge edge in graph.Edges.Where(e => !isBack[e.Index]))
        {
            inDegree[edge.ToIndex]++;
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
            foreach (FlowEdge edge in graph.Nodes[node].Outgoing.Where(e => !isBack[e.Index]))
            {
                column[edge.ToIndex] = Math.Max(column[edge.ToIndex], column[node] + 1);
                if (--inDegree[edge.ToIndex] == 0)
                {
                    ready.Enqueue(edge.ToIndex, edge.ToIndex);
                }
            }
        }

        return column;
    }
}
