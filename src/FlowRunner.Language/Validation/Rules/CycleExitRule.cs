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
        foreach (List<string> component in StronglyConnectedComponents(model))
        {
            bool isCycle = component.Count > 1 || model.Outgoing(component[0]).Any(e => e.To == component[0]);
            if (!isCycle)
            {
                continue;
            }

            var members = new HashSet<string>(component, StringComparer.Ordinal);
            bool hasExit = component.Any(id => model.Outgoing(id).Any(e => !members.Contains(e.To)));
            if (!hasExit)
            {
                NodeModel first = model.Nodes.First(n => members.Contains(n.Id));
                string names = string.Join(", ", model.Nodes.Where(n => members.Contains(n.Id)).Take(6).Select(n => "'" + n.Id + "'"));
                context.Report(Descriptors.LoopWithoutExit, first.Syntax.Id.Span,
                    "add an exit, e.g. a decision with an edge to an end circle", names);
            }
        }
    }

    /// <summary>Tarjan's algorithm over integer indexes, iterative so deep flows cannot overflow the stack.</summary>
    internal static List<List<string>> StronglyConnectedComponents(FlowModel model)
    {
        int count = model.Nodes.Length;
        var indexOf = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            indexOf[model.Nodes[i].Id] = i;
        }

        var successors = new int[count][];
        for (int i = 0; i < count; i++)
        {
            IReadOnlyList<EdgeModel> outgoing = model.Outgoing(model.Nodes[i].Id);
            successors[i] = new int[outgoing.Count];
            for (int e = 0; e < outgoing.Count; e++)
            {
                successors[i][e] = indexOf[outgoing[e].To];
            }
        }

        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var result = new List<List<string>>();
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
                    var component = new List<string>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component.Add(model.Nodes[member].Id);
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
