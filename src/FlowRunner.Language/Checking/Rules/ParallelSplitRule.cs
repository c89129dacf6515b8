using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ1013: several exits from a non-decision fork parallel branches (product design §4), which is easy to do by accident.</summary>
internal sealed class ParallelSplitRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Check(RuleContext context)
    {
        foreach (FlowNode node in context.Graph.Nodes.Where(n => n.Shape is not (NodeShape.Diamond or NodeShape.Unknown)))
        {
            int exits = node.Outgoing.Select(e => e.ToIndex).Distinct().Count();
            if (exits > 1)
            {
                context.Report(Descriptors.ImplicitParallelSplit, node.Syntax.Id.Span,
                    "make it a diamond if only one branch should run, or keep it to run all branches in parallel", node.Id, exits);
            }
        }
    }
}
