using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1002, FZ1003, FZ1004, FZ3017: edge and loop references (reference §4 "Cross-lane references", §5).</summary>
internal sealed class ReferenceRule : IFlowRule
{
    // The candidates for "did you mean", built only when something is misspelt.
    private string[]? _nodeIds;
    private string[]? _laneIds;

    public void Visit(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        switch (statement)
        {
            case EdgeSyntax edge:
                NodeModel? source = context.FindNode(edge.Path[0].Node.Text);
                for (int i = 0; i < edge.Path.Length; i++)
                {
                    AnalyzeEndpoint(context, edge.Path[i], isTarget: i > 0, source);
                }

                break;
            case LoopSyntax loop:
                foreach (SyntaxToken node in loop.Nodes)
                {
                    if (context.FindNode(node.Text) is null)
                    {
                        ReportUndefined(context, node);
                    }
                }

                break;
        }
    }

    private void AnalyzeEndpoint(RuleContext context, EndpointSyntax endpoint, bool isTarget, NodeModel? source)
    {
        if (endpoint.Lane is { } prefix && context.FindLane(prefix.Text) is null)
        {
            _laneIds ??= [.. context.Model.Lanes.Select(l => l.Id)];
            context.Report(Descriptors.UnknownLanePrefix, prefix.Span, "the prefix must be a lane id exactly (case-sensitive)",
                prefix.Text, Suggestions.DidYouMean(prefix.Text, _laneIds));
        }

        NodeModel? node = context.FindNode(endpoint.Node.Text);
        if (node is null)
        {
            ReportUndefined(context, endpoint.Node);
            return;
        }

        if (endpoint.Lane is { } lanePrefix && context.FindLane(lanePrefix.Text) is not null && lanePrefix.Text != node.Lane)
        {
            context.Report(Descriptors.WrongLanePrefix, lanePrefix.Span,
                node.Lane is null ? "remove the prefix" : $"write '{node.Lane}.{node.Id}'", node.Id, node.Lane ?? "(none)", lanePrefix.Text);
        }
        else if (isTarget && endpoint.Lane is null && source is not null && node.Lane is not null && source.Lane != node.Lane)
        {
            context.Report(Descriptors.MissingLanePrefix, endpoint.Node.Span, $"write '{node.Lane}.{node.Id}'", node.Id, node.Lane);
        }
    }

    private void ReportUndefined(RuleContext context, SyntaxToken node)
    {
        _nodeIds ??= [.. context.Model.Nodes.Select(n => n.Id)];
        context.Report(Descriptors.UndefinedNode, node.Span, "declare it in a lane, e.g. '" + node.Text + ": rectangle label:\"...\"'",
            node.Text, Suggestions.DidYouMean(node.Text, _nodeIds));
    }
}
