namespace FlowRunner.Language.Graph.Algorithms;

/// <summary>Reachability: breadth-first search over node numbers, iterative so deep flows cannot overflow the stack.</summary>
internal static class GraphSearch
{
    /// <summary>The nodes reachable from <paramref name="starts"/> (themselves included), along the edges or against them.</summary>
    public static bool[] Reach(Digraph graph, IEnumerable<int> starts, bool backwards = false)
    {
        bool[] reached = new bool[graph.NodeCount];
        var queue = new Queue<int>();
        foreach (int start in starts.Where(s => !reached[s]))
        {
            reached[start] = true;
            queue.Enqueue(start);
        }

        while (queue.TryDequeue(out int node))
        {
            foreach ((_, int next) in backwards ? graph.In(node) : graph.Out(node))
            {
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
