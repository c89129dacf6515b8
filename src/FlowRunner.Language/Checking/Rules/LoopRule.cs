using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ1015: a loop fragment spans at least two nodes (reference §5).</summary>
internal sealed class LoopRule : IFlowRule
{
    public void Check(RuleContext context)
    {
        foreach (FlowLoop loop in context.Graph.Loops)
        {
            int listed = loop.Syntax.Nodes.Length;
            if (listed < 2)
            {
                context.Report(Descriptors.LoopTooFewNodes, loop.Syntax.Span, "list the ids of the nodes the loop repeats, in execution order",
                    loop.Condition, listed);
            }
        }
    }
}
