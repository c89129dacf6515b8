using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
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
        var run = new ValidationRun(document.Source, model);
        foreach (StatementSyntax statement in document.Statements)
        {
            if (statement is LaneSyntax lane)
            {
                foreach (StatementSyntax member in lane.Members)
                {
                    run.Visit(member, lane);
                }
            }
            else
            {
                run.Visit(statement, null);
            }
        }

        return run.Finish(document, model, isTreeComplete);
    }

    /// <summary>
    /// One validation: statements are visited as they come, by every statement rule, while the model may still be
    /// growing (<see cref="FlowAnalysis"/> feeds them from the parser, a lane at a time). A statement that names a
    /// node or lane not declared yet waits for <see cref="Finish"/>, so every rule sees exactly what it would see
    /// in a walk of the finished tree (<see cref="FlowAnalysis"/> sorts the diagnostics by position, so the order
    /// of visits does not show).
    /// </summary>
    internal sealed class ValidationRun
    {
        private readonly RuleContext _context;
        private readonly IFlowRule[] _rules = CreateRules();

        // Rules about the whole graph only analyze (and are skipped over an incomplete tree), so they never visit.
        private readonly IFlowRule[] _visitors;
        private readonly List<(StatementSyntax Statement, LaneSyntax? Lane)> _waiting = [];

        public ValidationRun(SourceText source, IModelLookup lookup)
        {
            _context = new RuleContext(source, lookup);
            _visitors = [.. _rules.Where(rule => !rule.NeedsCompleteTree)];
        }

        /// <summary>A statement with the lane it is written in (null at top level), after the model has it.</summary>
        public void Visit(StatementSyntax statement, LaneSyntax? lane)
        {
            if (NamesUndeclared(statement))
            {
                _waiting.Add((statement, lane));
                return;
            }

            VisitNow(statement, lane);
        }

        /// <summary>Visits what waited, then runs the whole-graph rules (only over a complete tree) and returns everything.</summary>
        public ImmutableArray<Diagnostic> Finish(FlowDocument document, FlowModel model, bool isTreeComplete)
        {
            _context.Complete(document, model);
            foreach ((StatementSyntax statement, LaneSyntax? lane) in _waiting)
            {
                VisitNow(statement, lane);
            }

            foreach (IFlowRule rule in _rules)
            {
                if (isTreeComplete || !rule.NeedsCompleteTree)
                {
                    rule.Analyze(_context);
                }
            }

            return _context.Diagnostics;
        }

        private void VisitNow(StatementSyntax statement, LaneSyntax? lane)
        {
            foreach (IFlowRule rule in _visitors)
            {
                rule.Visit(_context, statement, lane);
            }
        }

        // True when an edge or loop names a node, or an edge a lane, that is not declared (yet).
        private bool NamesUndeclared(StatementSyntax statement)
        {
            switch (statement)
            {
                case EdgeSyntax edge:
                    foreach (EndpointSyntax endpoint in edge.Path)
                    {
                        if (_context.FindNode(endpoint.Node.Text) is null || (endpoint.Lane is { } lane && _context.FindLane(lane.Text) is null))
                        {
                            return true;
                        }
                    }

                    return false;
                case LoopSyntax loop:
                    foreach (SyntaxToken node in loop.Nodes)
                    {
                        if (_context.FindNode(node.Text) is null)
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }
    }
}
