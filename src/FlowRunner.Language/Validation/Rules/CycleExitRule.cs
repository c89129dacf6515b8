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
        foreach (List<int> component in StronglyConnectedComponents(model))
        {
            NodeModel single = model.Nodes[component[0]];
            bool isCycle = component.Count > 1 || model.Outgoing(single).Any(e => e.ToIndex == single.Index);
            if (!isCycle)
            {
                continue;
            }

            var members = new HashSet<int>(component);
            bool hasExit = component.Any(i => model.Outgoing(model.Nodes[i]).Any(e => !members.Contains(e.ToIndex)));
            if (!hasExit)
            {
                int[] ordered = [.. component.Order()];
                string names = string.Join(", ", ordered.Take(6).Select(i => "'" + model.Nodes[i].Id + "'"));
                context.Report(Descriptors.LoopWithoutExit, model.Nodes[ordered[0]].Syntax.Id.Span,
                    "add an exit, e.g. a decision with an edge to an end circle", names);
            }
        }
    }

    /// <summary>Tarjan's algorithm over integer indexes, iterative so deep flows cannot overflow the stack.</summary>
    internal static List<List<int>> StronglyConnectedComponents(FlowModel model)
    {
        int count = model.Nodes.Length;
        var successors = new int[count][];
        for (int i = 0; i < count; i++)
        {
            IReadOnlyList<EdgeModel> outgoing = model.Outgoing(model.Nodes[i]);
            successors[i] = new int[outgoing.Count];
            for (int e = 0; e < outgoing.Count; e++)
            {
                successors[i][e] = outgoing[e].ToIndex;
            }
        }

        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var result = new List<List<int>>();
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
                int[] next = successors[node];
                for (int e = edge; e < next.Length; e++)
                {
                    int target = next[e];
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
                    var component = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component.Add(member);
                    }
                    while (member != node);
                    result.Add(component);
                }

                if (work.Count > 0)
                {
                    int parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return result;
    }
}
