using System.Collections.Immutable;
using FlowRunner.Language.Checking.Rules;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Checking;

/// <summary>The third stage: the lint rules over a bound graph (bpmnlint's rules mapped to FlowZap, and FlowZap's own).</summary>
public static class FlowChecker
{
    private static readonly IFlowRule[] Rules =
    [
        new StringRule(),
        new ShapeRule(),
        new HandleRule(),
        new AttributeRule(),
        new LaneRule(),
        new CommentRule(),
        new PlacementRule(),
        new NodeIdRule(),
        new SequentialIdRule(),
        new LabelRule(),
        new GraphRule(),
        new DecisionRule(),
        new ParallelSplitRule(),
        new LoopRule(),
        new CycleExitRule(),
    ];

    /// <summary>Every rule's diagnostics; rules about the whole graph are skipped when lines failed to parse.</summary>
    public static ImmutableArray<Diagnostic> Check(FlowGraph graph)
    {
        var context = new RuleContext(graph);
        foreach (IFlowRule rule in Rules)
        {
            if (!graph.Syntax.HasSyntaxErrors || !rule.NeedsCompleteTree)
            {
                rule.Check(context);
            }
        }

        return context.Diagnostics;
    }
}
