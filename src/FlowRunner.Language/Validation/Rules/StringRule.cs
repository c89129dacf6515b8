using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ0002 unterminated strings and FZ3013 escapes (reference §3 "Strings").</summary>
internal sealed class StringRule : IFlowRule
{
    public void Analyze(RuleContext context)
    {
        foreach (AttributeSyntax attribute in context.Attributes())
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
}
