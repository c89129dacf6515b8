using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1018: a cycle with no edge out and no end inside runs until its loop bound faults it (bpmnlint "no loop without exit").</summary>
internal sealed class CycleExitRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Analyze(RuleContext context)
    {
        FlowModel model = context.Model;
        if (EveryNodeReachesADeadEnd(model))
        {
            return; // the usual case, found in one linear pass without computing components
        }

        int[] componentOf = StronglyConnectedComponents(model, out int components);

        // Per component: its size, whether an edge leaves it or loops on itself, and its lowest node index.
        int[] size = new int[components];
        bool[] exits = new bool[components];
        bool[] selfLoop = new bool[components];
        int count = model.Nodes.Length;
        for (int node = 0; node < count; node++)
        {
            int component = componentOf[node];
            size[component]++;
            foreach (int target in model.Successors(node))
            {
                if (componentOf[target] != component)
                {
                    exits[component] = true;
                }
                else if (target == node)
                {
                    selfLoop[component] = true;
                }
            }
        }

        // Nodes come in index order, so a component's first node is the one reported on, as before.
        var names = new Dictionary<int, (NodeModel First, List<string> Names)>();
        for (int index = 0; index < count; index++)
        {
            int component = componentOf[index];
            bool isCycle = size[component] > 1 || selfLoop[component];
            if (!isCycle || exits[component])
            {
                continue;
            }

            NodeModel node = model.Nodes[index];
            if (!names.TryGetValue(component, out var entry))
            {
                entry = (node, []);
                names.Add(component, entry);
            }

            if (entry.Names.Count < 6)
            {
                entry.Names.Add("'" + node.Id + "'");
            }
        }

        foreach ((NodeModel first, List<string> members) in names.Values.OrderBy(v => v.First.Index))
        {
            context.Report(Descriptors.LoopWithoutExit, first.Syntax.Id.Span,
                "add an exit, e.g. a decision with an edge to an end circle", string.Join(", ", members));
        }
    }

    /// <summary>
    /// True when every node can reach a node without exits (an end, or a dead end reported elsewhere). A cycle
    /// with no exit is then impossible: its nodes could never leave it. Conversely, a node that reaches no such
    /// node ends up in a cycle without exit, so when this is false the components are computed.
    /// </summary>
    private static bool EveryNodeReachesADeadEnd(FlowModel model)
    {
        var withoutExits = new List<int>();
        for (int node = 0; node < model.Nodes.Length; node++)
        {
            if (model.OutDegree(node) == 0)
            {
                withoutExits.Add(node);
            }
        }

        return Array.TrueForAll(GraphRule.Reach(model, withoutExits, backwards: true), reached => reached);
    }

    /// <summary>
    /// Tarjan's algorithm over integer indexes, iterative so deep flows cannot overflow the stack. Returns the
    /// component of every node (numbered 0..<paramref name="components"/>-1) instead of lists, so a flow of
    /// 100k nodes does not allocate 100k lists.
    /// </summary>
    internal static int[] StronglyConnectedComponents(FlowModel model, out int components)
    {
        int count = model.Nodes.Length;
        int[] componentOf = new int[count];
        components = 0;

        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        int counter = 0;
        for (int root = 0; root < count; root++)
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
                ReadOnlySpan<int> successors = model.Successors(node);
                for (int e = edge; e < successors.Length; e++)
                {
                    int target = successors[e];
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
                        componentOf[member] = components;
                    }
                    while (member != node);
                    components++;
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
