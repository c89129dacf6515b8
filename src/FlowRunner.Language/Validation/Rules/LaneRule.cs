using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1005 duplicate lanes, FZ3003, FZ3004, FZ3016 display labels (reference §2).</summary>
internal sealed class LaneRule : IFlowRule
{
    public void Analyze(RuleContext context)
    {
        var first = new Dictionary<string, LaneSyntax>(StringComparer.Ordinal);
        foreach (StatementSyntax statement in context.Document.Statements)
        {
            if (statement is not LaneSyntax lane)
            {
                continue;
            }

            string id = lane.Id.Text;
            if (first.TryGetValue(id, out LaneSyntax? earlier))
            {
                context.Report(Descriptors.DuplicateLane, lane.Id.Span, "merge the two blocks or rename one lane",
                    id, context.LineOf(earlier.Id.Span.Start));
            }
            else
            {
                first.Add(id, lane);
            }

            switch (lane.DisplayLabel)
            {
                case null:
                    context.Report(Descriptors.LaneWithoutLabel, lane.HeaderSpan, $"write '{id} {{ # {id}'", id);
                    break;
                case { IsOnOwnLine: true } label:
                    context.Report(Descriptors.LaneLabelOnOwnLine, label.Span, $"move it up: '{id} {{ # {label.Text}'", id);
                    break;
                case { ClosesLane: true } label:
                    context.Report(Descriptors.CloseBraceInLabel, label.Span, "put '}' on a line of its own", id);
                    break;
            }
        }
    }
}
