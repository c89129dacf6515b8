using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Graph.Algorithms;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>
/// FZ1017 empty flow, FZ1006 no start, FZ1007 no end, FZ1014 orphans, FZ1008 unreachable nodes and FZ1009 dead ends.
/// One node gets at most one of FZ1014/FZ1008/FZ1009, the most specific.
/// </summary>
internal sealed class GraphRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Check(RuleContext context)
    {
        FlowGraph graph = context.Graph;
        if (graph.Nodes.IsEmpty)
        {
            if (!context.Document.Statements.IsEmpty)
            {
                context.Report(Descriptors.EmptyFlow, context.Document.Statements[0].Span, "declare nodes such as 'n1: circle label:\"Start\"'");
            }

            return;
        }

        int[] starts = [.. graph.Starts.Select(n => n.Index)];
        if (starts.Length == 0)
        {
            context.Report(Descriptors.NoStart, graph.Nodes[0].Syntax.Span, "add a start circle (e.g. 'n9: circle label:\"Start\"' with the next free id) and an edge from it to the first step");
        }

        if (!graph.Nodes.Any(n => n.Shape == NodeShape.Circle && n.Outgoing.IsEmpty))
        {
            context.Report(Descriptors.NoEnd, graph.Nodes[^1].Syntax.Span, "add a circle such as 'nN: circle label:\"End\"' after the last step");
        }

        bool[] reached = GraphSearch.Reach(graph.Digraph, starts);
        foreach (FlowNode node in graph.Nodes)
        {
            if (node.Incoming.IsEmpty && node.Outgoing.IsEmpty)
            {
                if (graph.Nodes.Length > 1)
                {
                    context.Report(Descriptors.OrphanNode, node.Syntax.Id.Span, "connect it with an edge or remove it", node.Id);
                }
            }
            else if (starts.Length > 0 && !reached[node.Index])
            {
                context.Report(Descriptors.UnreachableNode, node.Syntax.Id.Span, "add an edge into it from a node on the path from a start", node.Id);
            }
            else if (node.Outgoing.IsEmpty && node.Shape != NodeShape.Circle)
            {
                context.Report(Descriptors.DeadEnd, node.Syntax.Id.Span, "add an edge out of it, or end the flow with a circle after it",
                    ShapeName(node.Shape), node.Id);
            }
        }
    }

    private static string ShapeName(NodeShape shape) => shape switch
    {
        NodeShape.Diamond => "decision",
        NodeShape.Taskbox => "taskbox",
        NodeShape.Circle => "circle",
        _ => "activity",
    };
}
