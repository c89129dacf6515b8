using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1013: several exits from a non-decision fork parallel branches (product design §4), which is easy to do by accident.</summary>
internal sealed class ParallelSplitRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    // Nodes have a handful of exits: a quadratic scan beats a hash set allocated per node.
    private static int DistinctTargets(ArraySegment<EdgeModel> exits)
    {
        int distinct = 0;
        for (int i = 0; i < exits.Count; i++)
        {
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
            {
                seen = exits[j].ToIndex == exits[i].ToIndex;
            }

            distinct += seen ? 0 : 1;
        }

        return distinct;
    }

    public void Analyze(RuleContext context)
    {
        foreach (NodeModel node in context.Model.Nodes)
        {
            if (node.Shape == NodeShape.Diamond || node.Shape == NodeShape.Unknown)
            {
                continue;
            }

            int exits = DistinctTargets(context.Model.Outgoing(node));
            if (exits > 1)
            {
                context.Report(Descriptors.ImplicitParallelSplit, node.Syntax.Id.Span,
                    "make it a diamond if only one branch should run, or keep it to run all branches in parallel", node.Id, exits);
            }
        }
    }
}
