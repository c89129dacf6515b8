using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>
/// FZ1017 empty flow, FZ1006 no start, FZ1007 no end, FZ1014 orphans, FZ1008 unreachable nodes and FZ1009 dead ends.
/// One node gets at most one of FZ1014/FZ1008/FZ1009, the most specific.
/// </summary>
internal sealed class GraphRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Analyze(RuleContext context)
    {
        FlowModel model = context.Model;
        if (model.Nodes.IsEmpty)
        {
            if (!context.Document.Statements.IsEmpty)
            {
                context.Report(Descriptors.EmptyFlow, context.Document.Statements[0].Span, "declare nodes such as 'n1: circle label:\"Start\"'");
            }

            return;
        }

        NodeModel firstNode = model.Nodes[0];
        NodeModel[] starts = [.. model.Starts];
        if (starts.Length == 0)
        {
            context.Report(Descriptors.NoStart, firstNode.Syntax.Span, "add a start circle (e.g. 'n9: circle label:\"Start\"' with the next free id) and an edge from it to the first step");
        }

        if (!model.Ends.Any())
        {
            context.Report(Descriptors.NoEnd, model.Nodes[^1].Syntax.Span, "add a circle such as 'nN: circle label:\"End\"' after the last step");
        }

        bool[] reached = Reach(model, starts);
        foreach (NodeModel node in model.Nodes)
        {
            bool hasIn = model.InDegree(node) > 0;
            bool hasOut = model.OutDegree(node) > 0;
            if (!hasIn && !hasOut)
            {
                if (model.Nodes.Length > 1)
                {
                    context.Report(Descriptors.OrphanNode, node.Syntax.Id.Span, "connect it with an edge or remove it", node.Id);
                }
            }
            else if (starts.Length > 0 && !reached[node.Index])
            {
                context.Report(Descriptors.UnreachableNode, node.Syntax.Id.Span, "add an edge into it from a node on the path from a start", node.Id);
            }
            else if (!hasOut && node.Shape != NodeShape.Circle)
            {
                context.Report(Descriptors.DeadEnd, node.Syntax.Id.Span, "add an edge out of it, or end the flow with a circle after it",
                    ShapeName(node.Shape), node.Id);
            }
        }
    }

    internal static string ShapeName(NodeShape shape) => shape switch
    {
        NodeShape.Diamond => "decision",
        NodeShape.Taskbox => "taskbox",
        NodeShape.Circle => "circle",
        _ => "activity",
    };

    /// <summary>Breadth-first search over node indexes; iterative so very large flows cannot overflow the stack.</summary>
    internal static bool[] Reach(FlowModel model, IEnumerable<NodeModel> from)
    {
        bool[] reached = new bool[model.Nodes.Length];
        var queue = new Queue<NodeModel>();
        foreach (NodeModel start in from)
        {
            if (!reached[start.Index])
            {
                reached[start.Index] = true;
                queue.Enqueue(start);
            }
        }

        while (queue.Count > 0)
        {
            foreach (EdgeModel edge in model.Outgoing(queue.Dequeue()))
            {
                if (!reached[edge.ToIndex])
                {
                    reached[edge.ToIndex] = true;
                    queue.Enqueue(model.Nodes[edge.ToIndex]);
                }
            }
        }

        return reached;
    }
}
