namespace FlowRunner.Language.Graph.Algorithms;

/// <summary>Reachability: breadth-first search over node indexes, iterative so deep flows cannot overflow the stack.</summary>
internal static class GraphSearch
{
    /// <summary>The nodes reachable from <paramref name="starts"/> (themselves included), along the edges or against them.</summary>
    public static bool[] Reach(FlowGraph graph, IEnumerable<int> starts, bool backwards = false)
    {
        bool[] reached = new bool[graph.Nodes.Length];
        var queue = new Queue<int>();
        foreach (int start in starts)
        {
            if (!reached[start])
            {
                reached[start] = true;
                queue.Enqueue(start);
            }
        }

        while (queue.TryDequeue(out int node))
        {
            FlowNode current = graph.Nodes[node];
            foreach (FlowEdge edge in backwards ? current.Incoming : current.Outgoing)
            {
                int next = backwards ? edge.FromIndex : edge.ToIndex;
                if (!reached[next])
                {
                    reached[next] = true;
                    queue.Enqueue(next);
                }
            }
        }

        return reached;
    }
}
