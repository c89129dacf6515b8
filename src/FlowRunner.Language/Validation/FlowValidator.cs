using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Validation.Rules;

namespace FlowRunner.Language.Validation;

/// <summary>Runs the lint rules, in this order, over a parsed document.</summary>
public static class FlowValidator
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
        new ReferenceRule(),
        new LabelRule(),
        new GraphRule(),
        new DecisionRule(),
        new ParallelSplitRule(),
        new LoopRule(),
        new CycleExitRule(),
    ];

    /// <summary>Every rule's diagnostics for the document and its model.</summary>
    public static ImmutableArray<Diagnostic> Validate(FlowDocument document, FlowModel model)
    {
        var context = new RuleContext(document, model);
        foreach (IFlowRule rule in Rules)
        {
            rule.Analyze(context);
        }

        return context.Diagnostics;
    }
}
