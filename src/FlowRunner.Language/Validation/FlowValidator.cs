using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Validation.Rules;

namespace FlowRunner.Language.Validation;

/// <summary>Runs the lint rules over a parsed document: one walk over the statements, then the whole-graph rules.</summary>
public static class FlowValidator
{
    private static IFlowRule[] CreateRules() =>
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
        new ReferenceRule(),
        new LabelRule(),
        new GraphRule(),
        new DecisionRule(),
        new ParallelSplitRule(),
        new LoopRule(),
        new CycleExitRule(),
    ];

    /// <summary>Every rule's diagnostics for the document and its model.</summary>
    /// <param name="document">The tree.</param>
    /// <param name="model">The model built from the tree.</param>
    /// <param name="isTreeComplete">False when lines failed to parse; whole-graph rules are then skipped.</param>
    public static ImmutableArray<Diagnostic> Validate(FlowDocument document, FlowModel model, bool isTreeComplete = true)
    {
        var context = new RuleContext(document, model);
        IFlowRule[] rules = [.. CreateRules().Where(rule => isTreeComplete || !rule.NeedsCompleteTree)];
        foreach ((StatementSyntax statement, LaneSyntax? lane) in context.StatementsWithLane())
        {
            foreach (IFlowRule rule in rules)
            {
                rule.Visit(context, statement, lane);
            }
        }

        foreach (IFlowRule rule in rules)
        {
            rule.Analyze(context);
        }

        return context.Diagnostics;
    }
}
