using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Export;

/// <summary>The diagram as plain data for tools: lanes, nodes, edges and loops with 1-based source lines.</summary>
public sealed record GraphExport(
    IReadOnlyList<GraphExport.Lane> Lanes,
    IReadOnlyList<GraphExport.Node> Nodes,
    IReadOnlyList<GraphExport.Edge> Edges,
    IReadOnlyList<GraphExport.LoopFragment> Loops)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds the export of a graph.</summary>
    public static GraphExport From(FlowGraph graph)
    {
        int Line(int offset) => graph.Source.GetLinePosition(offset).Line + 1;
        return new GraphExport(
            [.. graph.Lanes.Select(l => new Lane(l.Id, l.Label, Line(l.Syntax.Span.Start)))],
            [.. graph.Nodes.Select(n => new Node(
                n.Id,
                n.Lane,
                Name(n.Shape),
                n.Label,
                n.Attributes.Where(a => a.Key != "label").ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
                n.SubItems.IsEmpty ? null : [.. n.SubItems],
                Line(n.Syntax.Span.Start)))],
            [.. graph.Edges.Select(e => new Edge(e.From, e.To, e.Label, Name(e.FromHandle), Name(e.ToHandle), e.HandlesInferred, Line(e.Syntax.Span.Start)))],
            [.. graph.Loops.Select(l => new LoopFragment(l.Condition, [.. l.Nodes], Line(l.Syntax.Span.Start)))]);
    }

    /// <summary>Serializes as indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static string Name(NodeShape shape) => shape.ToString().ToLowerInvariant();

    private static string Name(HandleDirection direction) => direction.ToString().ToLowerInvariant();

    /// <summary>A lane: id and the label shown.</summary>
    public sealed record Lane(string Id, string Label, int Line);

    /// <summary>A node: id, lane, shape, label, other attributes, taskbox sub-items, line.</summary>
    public sealed record Node(string Id, string? Lane, string Shape, string? Label, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string>? SubItems, int Line);

    /// <summary>An edge: ends, label, handles (and whether they were inferred), line.</summary>
    public sealed record Edge(string From, string To, string? Label, string FromHandle, string ToHandle, bool HandlesInferred, int Line);

    /// <summary>A loop: condition text and node ids in the order written.</summary>
    public sealed record LoopFragment(string Condition, IReadOnlyList<string> Nodes, int Line);
}
