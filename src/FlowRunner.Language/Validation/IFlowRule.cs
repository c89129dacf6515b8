using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation;

/// <summary>
/// One lint rule. Rules about single statements implement <see cref="Visit"/>: the validator walks the tree once
/// and hands every statement to every rule while it is in cache (one walk per rule made validation of a 100k-node
/// flow grow 17x for 10x the input). Rules about the whole graph implement <see cref="Analyze"/>, which runs after
/// the walk. A validation run creates its own rule instances, so rules may keep state across statements.
/// </summary>
internal interface IFlowRule
{
    /// <summary>
    /// True for rules about the whole graph (reachability, gaps, exits): they are skipped when a line could not
    /// be parsed, because the missing statement would only make them report noise.
    /// </summary>
    bool NeedsCompleteTree => false;

    /// <summary>One statement, in source order, with the lane it is written in (null at top level).</summary>
    void Visit(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
    }

    /// <summary>After every statement was visited.</summary>
    void Analyze(RuleContext context)
    {
    }
}
