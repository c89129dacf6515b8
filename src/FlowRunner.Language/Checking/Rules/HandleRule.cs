using FlowRunner.Language.Binding;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ0004, FZ0007, FZ3009, FZ3015: handles (reference §4 "Handles").</summary>
internal sealed class HandleRule : StatementRule
{
    private static readonly string[] Directions = ["left", "right", "top", "bottom"];

    // The same inference as FlowModelBuilder: right -> left within a lane, bottom -> top across lanes.
    private static string AssumedDirection(RuleContext context, EdgeSyntax edge, int index)
    {
        bool isSource = index < edge.Path.Length - 1;
        FlowNode? self = context.Graph.FindNode(edge.Path[index].Node.Text);
        FlowNode? other = context.Graph.FindNode(edge.Path[isSource ? index + 1 : index - 1].Node.Text);
        bool sameLane = self is null || other is null || self.Lane == other.Lane;
        return (isSource, sameLane) switch
        {
            (true, true) => "right",
            (true, false) => "bottom",
            (false, true) => "left",
            _ => "top",
        };
    }

    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is not EdgeSyntax edge)
        {
            return;
        }

        for (int i = 0; i < edge.Path.Length; i++)
        {
            EndpointSyntax endpoint = edge.Path[i];
            if (endpoint.Handle is not { } handle)
            {
                string assumed = AssumedDirection(context, edge, i);
                context.Report(Descriptors.MissingHandle, endpoint.Span,
                    $"write '{endpoint.Node.Text}.handle({assumed})' (right to left within a lane, bottom to top across lanes)",
                    endpoint.Node.Text, $"handle({assumed})");
                continue;
            }

            if (handle.Keyword.Text != "handle")
            {
                context.Report(Descriptors.InvalidHandleKeyword, handle.Keyword.Span, "an endpoint is written 'n1.handle(right)'",
                    handle.Keyword.Text, Suggestions.DidYouMean(handle.Keyword.Text, ["handle"]));
            }

            string direction = handle.Direction.Text;
            if (SyntaxFacts.Direction(handle) is null)
            {
                context.Report(Descriptors.InvalidHandleDirection, direction.Length == 0 ? handle.Span : handle.Direction.Span,
                    "a handle is one of left, right, top, bottom", direction, Suggestions.DidYouMean(direction, Directions));
            }
            else if (direction.AsSpan().IndexOfAnyInRange('A', 'Z') >= 0)
            {
                context.Report(Descriptors.HandleCase, handle.Direction.Span, $"write '{direction.ToLowerInvariant()}'", direction);
            }
        }
    }
}
