using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation;

/// <summary>
/// One lint rule. Rules about single statements implement <see cref="Visit"/>: every statement is handed to every
/// rule once, while it is in cache (one walk per rule made validation of a 100k-node flow grow 17x for 10x the
/// input); during <see cref="FlowAnalysis"/> that happens as the parser reads each lane, before the tree is
/// finished, so <see cref="Visit"/> looks nodes and lanes up with <see cref="RuleContext.FindNode"/> and
/// <see cref="RuleContext.FindLane"/> (a statement naming something not declared yet is held back until
/// everything is). Rules about the whole graph implement <see cref="Analyze"/>, which runs after the last
/// statement. A validation run creates its own rule instances, so rules may keep state across statements.
/// </summary>
internal interface IFlowRule
{
    /// <summary>
    /// True for rules about the whole graph (reachability, gaps, exits): they are skipped when a line could not
    /// be parsed, because the missing statement would only make them report noise. Such rules only analyze:
    /// their <see cref="Visit"/> is never called.
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
