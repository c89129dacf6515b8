using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ3003, FZ3004, FZ3016: lane display labels (reference §2).</summary>
internal sealed class LaneRule : IFlowRule
{
    public void Check(RuleContext context)
    {
        foreach (LaneSyntax lane in context.Document.Statements.OfType<LaneSyntax>())
        {
            string id = lane.Id.Text;
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
