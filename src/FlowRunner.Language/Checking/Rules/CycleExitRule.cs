using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Graph.Algorithms;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ1018: a cycle with no edge out and no end inside runs until its loop bound faults it (bpmnlint "no loop without exit").</summary>
internal sealed class CycleExitRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Check(RuleContext context)
    {
        FlowGraph graph = context.Graph;
        int[] componentOf = StronglyConnectedComponents.Of(graph.Digraph, out int components);

        // A component is a cycle when it has several nodes or an edge to itself; it is closed when no edge leaves it.
        int[] size = new int[components];
        bool[] exits = new bool[components];
        bool[] selfLoop = new bool[components];
        foreach (FlowEdge edge in graph.Edges)
        {
            int component = componentOf[edge.FromIndex];
            exits[component] |= componentOf[edge.ToIndex] != component;
            selfLoop[component] |= edge.FromIndex == edge.ToIndex;
        }

        foreach (int component in componentOf)
        {
            size[component]++;
        }

        // Reported on the component's first node, naming up to six of its nodes.
        foreach (IGrouping<int, FlowNode> closed in graph.Nodes
            .Where(n => (size[componentOf[n.Index]] > 1 || selfLoop[componentOf[n.Index]]) && !exits[componentOf[n.Index]])
            .GroupBy(n => componentOf[n.Index]))
        {
            context.Report(Descriptors.LoopWithoutExit, closed.First().Syntax.Id.Span,
                "add an exit, e.g. a decision with an edge to an end circle", string.Join(", ", closed.Take(6).Select(n => "'" + n.Id + "'")));
        }
    }
}
