using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowRunner.Language;
using FlowRunner.Language.Model;

namespace FlowRunner.Engine.Graph;

/// <summary>Compiles an analysed flow into an immutable <see cref="FlowGraph"/>. Runs only on flows without errors.</summary>
public static class FlowCompiler
{
    /// <summary>Compiles; the graph is null when the analysis has errors.</summary>
    /// <param name="analysis">The parsed and validated flow.</param>
    /// <param name="name">The flow's name, e.g. <c>auth/login</c>.</param>
    public static CompileResult Compile(FlowAnalysis analysis, string name)
    {
        if (analysis.HasErrors)
        {
            return new CompileResult(null, analysis.Diagnostics);
        }

        FlowModel model = analysis.Model;
        int Line(int offset) => analysis.Source.GetLinePosition(offset).Line + 1;

        ImmutableArray<FlowLane> lanes = [.. model.Lanes.Select(l => new FlowLane(l.Id, l.DisplayLabel, LaneRoles.Infer(l.Id, l.DisplayLabel)))];
        ImmutableArray<FlowEdge> edges = [.. model.Edges.Select(e => new FlowEdge(e.Index, e.From, e.To, e.Label, Line(e.Syntax.Span.Start)))];
        ImmutableArray<FlowNode> nodes = [.. model.Nodes.Select(n => new FlowNode(
            n.Id,
            n.Lane,
            n.Shape,
            Kind(n, model),
            n.DisplayText,
            n.SubItems,
            n.Attributes.ToImmutableSortedDictionary(StringComparer.Ordinal),
            [.. model.Outgoing(n).Select(e => e.Index)],
            [.. model.Incoming(n).Select(e => e.Index)],
            Line(n.Syntax.Span.Start))
        {
            IdSpan = n.Syntax.Id.Span,
        })];
        ImmutableArray<FlowLoop> loops = [.. model.Loops.Select(l =>
        {
            int? bound = LoopBounds.FromText(l.Condition);
            return new FlowLoop(l.Condition, l.Nodes, bound ?? LoopBounds.Default, bound is not null);
        })];

        string hash = Hash(lanes, nodes, edges, loops);
        return new CompileResult(new FlowGraph(name, analysis.Source.Path, hash, lanes, nodes, edges, loops), analysis.Diagnostics);
    }

    // Product design §4: start = circle without incoming edges, end = circle without outgoing, else milestone.
    private static NodeKind Kind(NodeModel node, FlowModel model) => node.Shape switch
    {
        NodeShape.Circle when model.InDegree(node) == 0 => NodeKind.Start,
        NodeShape.Circle when model.OutDegree(node) == 0 => NodeKind.End,
        NodeShape.Circle => NodeKind.Milestone,
        NodeShape.Diamond => NodeKind.Decision,
        _ => NodeKind.Activity,
    };

    /// <summary>SHA-256 over a canonical JSON form: what runs, not where it sits in the file.</summary>
    private static string Hash(ImmutableArray<FlowLane> lanes, ImmutableArray<FlowNode> nodes, ImmutableArray<FlowEdge> edges, ImmutableArray<FlowLoop> loops)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("lanes");
            foreach (FlowLane lane in lanes)
            {
                json.WriteStartArray();
                json.WriteStringValue(lane.Id);
                json.WriteStringValue(lane.Label);
                json.WriteStringValue(lane.Role.ToString());
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("nodes");
            foreach (FlowNode node in nodes)
            {
                json.WriteStartArray();
                json.WriteStringValue(node.Id);
                json.WriteStringValue(node.Lane);
                json.WriteStringValue(node.Shape.ToString());
                json.WriteStringValue(node.Kind.ToString());
                foreach ((string key, string value) in node.Attributes)
                {
                    json.WriteStringValue(key);
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("edges");
            foreach (FlowEdge edge in edges)
            {
                json.WriteStartArray();
                json.WriteStringValue(edge.From);
                json.WriteStringValue(edge.To);
                json.WriteStringValue(edge.Label);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("loops");
            foreach (FlowLoop loop in loops)
            {
                json.WriteStartArray();
                json.WriteStringValue(loop.Condition);
                json.WriteNumberValue(loop.MaxIterations);
                foreach (string node in loop.Nodes)
                {
                    json.WriteStringValue(node);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }

    /// <summary>The flow name for a file under a flows folder: its relative path without extension, with '/'.</summary>
    public static string NameFor(string flowsFolder, string file) =>
        Path.ChangeExtension(Path.GetRelativePath(flowsFolder, file), null).Replace('\\', '/');

    /// <summary>Reads, analyses and compiles a file.</summary>
    public static CompileResult CompileFile(string flowsFolder, string file) =>
        Compile(FlowAnalysis.Analyze(File.ReadAllText(file, Encoding.UTF8), file), NameFor(flowsFolder, file));
}
