using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ1016, FZ3005, FZ3006, FZ3010: where statements are written (reference §1, §4 "Where edges are written").</summary>
internal sealed class PlacementRule : StatementRule
{
    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        switch (statement)
        {
            case NodeSyntax node when lane is null:
                context.Report(Descriptors.NodeOutsideLane, node.Span, "move the node into the block of its lane", node.Id.Text);
                break;
            case EdgeSyntax edge:
                AnalyzeEdge(context, edge, lane);
                break;
            case LoopSyntax loop when lane is null:
                context.Report(Descriptors.TopLevelStatement, loop.Span, "move the loop into the lane of its first node", "the loop");
                break;
        }
    }

    private static void AnalyzeEdge(RuleContext context, EdgeSyntax edge, LaneSyntax? lane)
    {
        if (edge.IsChain)
        {
            context.Report(Descriptors.ChainedEdge, edge.Span, "write one edge per line: 'a -> b', then 'b -> c'", edge.Path.Length);
        }

        FlowNode? source = context.Graph.FindNode(edge.Path[0].Node.Text);
        if (lane is null)
        {
            string hint = source?.Lane is { } sourceLane ? $"move it into lane '{sourceLane}'" : "move it into the lane of its source node";
            context.Report(Descriptors.TopLevelStatement, edge.Span, hint, "the edge");
        }
        else if (source?.Lane is { } sourceLane && sourceLane != lane.Id.Text)
        {
            context.Report(Descriptors.EdgeOutsideSourceLane, edge.Span, $"move it into lane '{sourceLane}'",
                source.Id, lane.Id.Text, sourceLane);
        }
    }
}
