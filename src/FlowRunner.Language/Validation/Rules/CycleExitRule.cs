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
            var members = new HashSet<string>(component, StringComparer.Ordinal);
            bool isCycle = component.Count > 1 || model.Outgoing(component[0]).Any(e => e.To == component[0]);
            if (!isCycle)
            {
                continue;
            }

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

    /// <summary>Tarjan's algorithm, iterative so deep flows cannot overflow the stack.</summary>
    internal static List<List<string>> StronglyConnectedComponents(FlowModel model)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        int counter = 0;
        var work = new Stack<(string Node, int Edge)>();
        foreach (NodeModel root in model.Nodes)
        {
            if (index.ContainsKey(root.Id))
            {
                continue;
            }

            work.Push((root.Id, 0));
            while (work.Count > 0)
            {
                (string node, int edge) = work.Pop();
                if (edge == 0)
                {
                    index[node] = low[node] = counter++;
                    stack.Push(node);
                    onStack.Add(node);
                }

                IReadOnlyList<EdgeModel> outgoing = model.Outgoing(node);
                bool descended = false;
                for (int i = edge; i < outgoing.Count; i++)
                {
                    string next = outgoing[i].To;
                    if (!index.ContainsKey(next))
                    {
                        work.Push((node, i + 1));
                        work.Push((next, 0));
                        descended = true;
                        break;
                    }

                    if (onStack.Contains(next))
                    {
                        low[node] = Math.Min(low[node], index[next]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);
                    result.Add(component);
                }

                if (work.Count > 0)
                {
                    string parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return result;
    }
}
