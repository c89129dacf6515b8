using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ0002 unterminated strings and FZ3013 escapes (reference §3 "Strings").</summary>
internal sealed class StringRule : StatementRule
{
    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        switch (statement)
        {
            case NodeSyntax node:
                foreach (AttributeSyntax attribute in node.Attributes)
                {
                    Check(context, attribute);
                }

                break;
            case EdgeSyntax { Label: { } label }:
                Check(context, label);
                break;
        }
    }

    private static void Check(RuleContext context, AttributeSyntax attribute)
    {
        StringLiteral value = attribute.Value;
        if (!value.IsTerminated)
        {
            context.Report(Descriptors.UnterminatedString, value.Span, "add '\"' at the end of the text");
        }
        else if (value.HasEscapes)
        {
            context.Report(Descriptors.EscapeInString, value.Span, "FlowZap labels cannot contain '\"'; rephrase the label without it");
        }
    }
}
