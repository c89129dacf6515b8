using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>A rule about single statements: each lane member and top-level statement is handed to it in source order.</summary>
internal abstract class StatementRule : IFlowRule
{
    public void Check(RuleContext context)
    {
        foreach ((StatementSyntax statement, LaneSyntax? lane) in context.Document.StatementsWithLanes())
        {
            if (statement is not LaneSyntax)
            {
                Check(context, statement, lane);
            }
        }
    }

    /// <summary>One statement, with the lane block it is written in (null at top level).</summary>
    protected abstract void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane);
}
