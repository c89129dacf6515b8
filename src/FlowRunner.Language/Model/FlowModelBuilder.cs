using System.Collections.Immutable;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>Resolves a tree into a <see cref="FlowModel"/>. Reports nothing: the validator's rules do.</summary>
public static class FlowModelBuilder
{
    /// <summary>Builds the model of a document.</summary>
    public static FlowModel Build(FlowDocument document)
    {
        var lanes = ImmutableArray.CreateBuilder<LaneModel>();
        var laneIds = new HashSet<string>(StringComparer.Ordinal);
        var nodes = ImmutableArray.CreateBuilder<NodeModel>();
        var nodeIds = new NodeTable(CountStatements(document));
        var edgeStatements = new List<EdgeSyntax>();
        var loopStatements = new List<LoopSyntax>();

        void Visit(StatementSyntax statement, string? lane)
        {
            switch (statement)
            {
                case NodeSyntax node:
                    var model = new NodeModel(node.Id.Text, lane, ParseShape(node.Shape.Text), new AttributeMap(node.Attributes), node) { Index = nodes.Count };
                    if (nodeIds.TryAdd(model))
                    {
                        nodes.Add(model);
                    }

                    break;
                case EdgeSyntax edge:
                    edgeStatements.Add(edge);
                    break;
                case LoopSyntax loop:
                    loopStatements.Add(loop);
                    break;
            }
        }

        foreach (StatementSyntax statement in document.Statements)
        {
            if (statement is LaneSyntax lane)
            {
                if (laneIds.Add(lane.Id.Text))
                {
                    lanes.Add(new LaneModel(lane.Id.Text, lane.DisplayLabel is { Text.Length: > 0 } label ? label.Text : lane.Id.Text, lane));
                }

                foreach (StatementSyntax member in lane.Members)
                {
                    Visit(member, lane.Id.Text);
                }
            }
            else
            {
                Visit(statement, null);
            }
        }

        var edges = ImmutableArray.CreateBuilder<EdgeModel>();
        foreach (EdgeSyntax edge in edgeStatements)
        {
            string? label = edge.Label is { Value.Value: { Length: > 0 } text } ? text : null;
            for (int i = 0; i + 1 < edge.Path.Length; i++)
            {
                EndpointSyntax from = edge.Path[i];
                EndpointSyntax to = edge.Path[i + 1];
                if (nodeIds.Find(from.Node.Text) is { } source && nodeIds.Find(to.Node.Text) is { } target)
                {
                    bool sameLane = source.Lane == target.Lane;
                    HandleDirection fromHandle = ParseDirection(from.Handle) ?? (sameLane ? HandleDirection.Right : HandleDirection.Bottom);
                    HandleDirection toHandle = ParseDirection(to.Handle) ?? (sameLane ? HandleDirection.Left : HandleDirection.Top);
                    edges.Add(new EdgeModel(edges.Count, source.Id, target.Id, label, fromHandle, toHandle,
                        from.Handle is null || to.Handle is null, edge)
                    { FromIndex = source.Index, ToIndex = target.Index });
                }
            }
        }

        var loops = ImmutableArray.CreateBuilder<LoopModel>();
        foreach (LoopSyntax loop in loopStatements)
        {
            loops.Add(new LoopModel(loop.Condition, [.. loop.Nodes.Select(n => n.Text).Where(id => nodeIds.Find(id) is not null)], loop));
        }

        return new FlowModel(lanes.ToImmutable(), nodes.ToImmutable(), nodeIds, edges.ToImmutable(), loops.ToImmutable());
    }

    private static int CountStatements(FlowDocument document)
    {
        int count = document.Statements.Length;
        foreach (StatementSyntax statement in document.Statements)
        {
            if (statement is LaneSyntax lane)
            {
                count += lane.Members.Length;
            }
        }

        return count;
    }

    /// <summary>The shape named by a word; shapes are lower case as FlowZap writes them.</summary>
    public static NodeShape ParseShape(string text) => text switch
    {
        "circle" => NodeShape.Circle,
        "rectangle" => NodeShape.Rectangle,
        "diamond" => NodeShape.Diamond,
        "taskbox" => NodeShape.Taskbox,
        _ => NodeShape.Unknown,
    };

    /// <summary>The direction of a handle (any case), or null when absent or invalid.</summary>
    public static HandleDirection? ParseDirection(HandleSyntax? handle)
    {
        string? text = handle?.Direction.Text;
        return text is null ? null
            : text.Equals("right", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Right
            : text.Equals("left", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Left
            : text.Equals("bottom", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Bottom
            : text.Equals("top", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Top
            : null;
    }

}
