namespace FlowRunner.Language.Graph.Algorithms;

/// <summary>Tarjan's strongly connected components, iterative so deep flows cannot overflow the stack.</summary>
internal static class StronglyConnectedComponents
{
    /// <summary>The component of every node, numbered 0 to <paramref name="count"/> - 1 in the order Tarjan closes them.</summary>
    public static int[] Of(Digraph graph, out int count)
    {
        int nodes = graph.NodeCount;
        int[] componentOf = new int[nodes];
        int[] index = new int[nodes];
        int[] low = new int[nodes];
        bool[] onStack = new bool[nodes];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        int counter = 0;
        count = 0;
        for (int root = 0; root < nodes; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            work.Push((root, 0));
            while (work.Count > 0)
            {
                (int node, int edge) = work.Pop();
                if (edge == 0)
                {
                    index[node] = low[node] = counter++;
                    stack.Push(node);
                    onStack[node] = true;
                }

                bool descended = false;
                IReadOnlyList<(int Edge, int Node)> outgoing = graph.Out(node);
                for (int e = edge; e < outgoing.Count; e++)
                {
                    int target = outgoing[e].Node;
                    if (index[target] < 0)
                    {
                        work.Push((node, e + 1));
                        work.Push((target, 0));
                        descended = true;
                        break;
                    }

                    if (onStack[target])
                    {
                        low[node] = Math.Min(low[node], index[target]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[node] == index[node])
                {
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        componentOf[member] = count;
                    }
                    while (member != node);
                    count++;
                }

                if (work.Count > 0)
                {
                    int parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return componentOf;
    }
}
