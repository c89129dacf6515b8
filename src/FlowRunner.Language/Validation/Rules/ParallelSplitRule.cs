using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1013: several exits from a non-decision fork parallel branches (product design §4), which is easy to do by accident.</summary>
internal sealed class ParallelSplitRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    // Nodes have a handful of exits: a quadratic scan beats a hash set allocated per node.
    private static int DistinctTargets(ReadOnlySpan<int> targets)
    {
        int distinct = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
            {
                seen = targets[j] == targets[i];
            }

            distinct += seen ? 0 : 1;
        }

        return distinct;
    }

    public void Analyze(RuleContext context)
    {
        FlowModel model = context.Model;
        for (int index = 0; index < model.Nodes.Length; index++)
        {
            NodeShape shape = model.ShapeAt(index);
            if (shape == NodeShape.Diamond || shape == NodeShape.Unknown)
            {
                continue;
            }

            int exits = DistinctTargets(model.Successors(index));
            if (exits > 1)
            {
                NodeModel node = model.Nodes[index];
                context.Report(Descriptors.ImplicitParallelSplit, node.Syntax.Id.Span,
                    "make it a diamond if only one branch should run, or keep it to run all branches in parallel", node.Id, exits);
            }
        }
    }
}
