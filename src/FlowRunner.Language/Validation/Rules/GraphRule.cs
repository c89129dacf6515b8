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

        // By index, over the model's arrays of shapes and degrees: no node object is read unless reported.
        int count = model.Nodes.Length;
        var starts = new List<int>();
        bool hasEnd = false;
        for (int i = 0; i < count; i++)
        {
            if (model.ShapeAt(i) == NodeShape.Circle)
            {
                if (model.InDegree(i) == 0)
                {
                    starts.Add(i);
                }

                hasEnd |= model.OutDegree(i) == 0;
            }
        }

        if (starts.Count == 0)
        {
            context.Report(Descriptors.NoStart, model.Nodes[0].Syntax.Span, "add a start circle (e.g. 'n9: circle label:\"Start\"' with the next free id) and an edge from it to the first step");
        }

        if (!hasEnd)
        {
            context.Report(Descriptors.NoEnd, model.Nodes[^1].Syntax.Span, "add a circle such as 'nN: circle label:\"End\"' after the last step");
        }

        bool[] reached = Reach(model, starts);
        for (int i = 0; i < count; i++)
        {
            bool hasIn = model.InDegree(i) > 0;
            bool hasOut = model.OutDegree(i) > 0;
            if (!hasIn && !hasOut)
            {
                if (count > 1)
                {
                    NodeModel node = model.Nodes[i];
                    context.Report(Descriptors.OrphanNode, node.Syntax.Id.Span, "connect it with an edge or remove it", node.Id);
                }
            }
            else if (starts.Count > 0 && !reached[i])
            {
                NodeModel node = model.Nodes[i];
                context.Report(Descriptors.UnreachableNode, node.Syntax.Id.Span, "add an edge into it from a node on the path from a start", node.Id);
            }
            else if (!hasOut && model.ShapeAt(i) != NodeShape.Circle)
            {
                NodeModel node = model.Nodes[i];
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

    /// <summary>
    /// Breadth-first search over node indexes, along the edges (or against them when <paramref name="backwards"/>);
    /// iterative so very large flows cannot overflow the stack.
    /// </summary>
    internal static bool[] Reach(FlowModel model, List<int> from, bool backwards = false)
    {
        bool[] reached = new bool[model.Nodes.Length];
        int[] queue = new int[model.Nodes.Length];
        int tail = 0;
        foreach (int start in from)
        {
            if (!reached[start])
            {
                reached[start] = true;
                queue[tail++] = start;
            }
        }

        for (int head = 0; head < tail; head++)
        {
            ReadOnlySpan<int> next = backwards ? model.Predecessors(queue[head]) : model.Successors(queue[head]);
            foreach (int node in next)
            {
                if (!reached[node])
                {
                    reached[node] = true;
                    queue[tail++] = node;
                }
            }
        }

        return reached;
    }
}
