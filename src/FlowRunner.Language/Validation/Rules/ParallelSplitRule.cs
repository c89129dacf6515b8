using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1013: several exits from a non-decision fork parallel branches (product design §4), which is easy to do by accident.</summary>
internal sealed class ParallelSplitRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Analyze(RuleContext context)
    {
        foreach (NodeModel node in context.Model.Nodes)
        {
            if (node.Shape == NodeShape.Diamond || node.Shape == NodeShape.Unknown)
            {
                continue;
            }

            int exits = context.Model.Outgoing(node.Id).Select(e => e.To).Distinct(StringComparer.Ordinal).Count();
            if (exits > 1)
            {
                context.Report(Descriptors.ImplicitParallelSplit, node.Syntax.Id.Span,
                    "make it a diamond if only one branch should run, or keep it to run all branches in parallel", node.Id, exits);
            }
        }
    }
}
