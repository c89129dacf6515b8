using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1002, FZ1003, FZ1004, FZ3017: edge and loop references (reference §4 "Cross-lane references", §5).</summary>
internal sealed class ReferenceRule : IFlowRule
{
    public void Analyze(RuleContext context)
    {
        FlowModel model = context.Model;
        string[] nodeIds = [.. model.Nodes.Select(n => n.Id)];
        string[] laneIds = [.. model.Lanes.Select(l => l.Id)];
        foreach ((StatementSyntax statement, _) in context.StatementsWithLane())
        {
            switch (statement)
            {
                case EdgeSyntax edge:
                    NodeModel? source = model.FindNode(edge.Path[0].Node.Text);
                    for (int i = 0; i < edge.Path.Length; i++)
                    {
                        AnalyzeEndpoint(context, edge.Path[i], isTarget: i > 0, source, nodeIds, laneIds);
                    }

                    break;
                case LoopSyntax loop:
                    foreach (SyntaxToken node in loop.Nodes)
                    {
                        if (model.FindNode(node.Text) is null)
                        {
                            ReportUndefined(context, node, nodeIds);
                        }
                    }

                    break;
            }
        }
    }

    private static void AnalyzeEndpoint(RuleContext context, EndpointSyntax endpoint, bool isTarget, NodeModel? source, string[] nodeIds, string[] laneIds)
    {
        if (endpoint.Lane is { } prefix && context.Model.FindLane(prefix.Text) is null)
        {
            context.Report(Descriptors.UnknownLanePrefix, prefix.Span, "the prefix must be a lane id exactly (case-sensitive)",
                prefix.Text, Suggestions.DidYouMean(prefix.Text, laneIds));
        }

        NodeModel? node = context.Model.FindNode(endpoint.Node.Text);
        if (node is null)
        {
            ReportUndefined(context, endpoint.Node, nodeIds);
            return;
        }

        if (endpoint.Lane is { } lanePrefix && context.Model.FindLane(lanePrefix.Text) is not null && lanePrefix.Text != node.Lane)
        {
            context.Report(Descriptors.WrongLanePrefix, lanePrefix.Span,
                node.Lane is null ? "remove the prefix" : $"write '{node.Lane}.{node.Id}'", node.Id, node.Lane ?? "(none)", lanePrefix.Text);
        }
        else if (isTarget && endpoint.Lane is null && source is not null && node.Lane is not null && source.Lane != node.Lane)
        {
            context.Report(Descriptors.MissingLanePrefix, endpoint.Node.Span, $"write '{node.Lane}.{node.Id}'", node.Id, node.Lane);
        }
    }

    private static void ReportUndefined(RuleContext context, SyntaxToken node, string[] nodeIds) =>
        context.Report(Descriptors.UndefinedNode, node.Span, "declare it in a lane, e.g. '" + node.Text + ": rectangle label:\"...\"'",
            node.Text, Suggestions.DidYouMean(node.Text, nodeIds));
}
