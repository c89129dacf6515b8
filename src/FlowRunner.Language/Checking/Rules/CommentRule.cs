using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ3011 and FZ3012: comments other than a lane's display label (reference §6).</summary>
internal sealed class CommentRule : StatementRule
{
    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is CommentSyntax comment)
        {
            Report(context, comment);
        }
        else if (statement.TrailingComment is { } trailing)
        {
            Report(context, trailing);
        }
    }

    private static void Report(RuleContext context, CommentSyntax comment)
    {
        if (comment.Kind == CommentKind.Slash)
        {
            context.Report(Descriptors.SlashComment, comment.Span, "keep notes in the flow's README or its companion files");
        }
        else
        {
            context.Report(Descriptors.HashComment, comment.Span, "FlowZap ignores it; keep notes beside the flow (its README or companion files)");
        }
    }
}
