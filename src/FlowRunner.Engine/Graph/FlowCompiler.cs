using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using FlowRunner.Language;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Graph;

/// <summary>Compiles a flow without errors into a <see cref="CompiledFlow"/>: its hash, lane roles and loop bounds.</summary>
public static class FlowCompiler
{
    /// <summary>Compiles; null when the analysis has errors.</summary>
    /// <param name="analysis">The parsed, bound and checked flow.</param>
    /// <param name="name">The flow's name, e.g. <c>auth/login</c>.</param>
    public static CompiledFlow? Compile(FlowAnalysis analysis, string name)
    {
        if (analysis.HasErrors)
        {
            return null;
        }

        FlowGraph graph = analysis.Graph;
        ImmutableArray<LaneRole> roles = [.. graph.Lanes.Select(l => LaneRoles.Infer(l.Id, l.Label))];
        ImmutableArray<LoopBound> bounds = [.. graph.Loops.Select(l => LoopBounds.FromText(l.Condition) is { } bound
            ? new LoopBound(bound, FromText: true)
            : new LoopBound(LoopBounds.Default, FromText: false))];
        return new CompiledFlow(name, () => Hash(graph, roles, bounds), graph, roles, bounds);
    }

    /// <summary>The flow name for a file under a flows folder: its relative path without extension, with '/'.</summary>
    public static string NameFor(string flowsFolder, string file) =>
        Path.ChangeExtension(Path.GetRelativePath(flowsFolder, file), null).Replace('\\', '/');

    /// <summary>SHA-256 over a canonical JSON form: what runs, not where it sits in the file. Stored instances are pinned to it, so it never changes.</summary>
    private static string Hash(FlowGraph graph, ImmutableArray<LaneRole> roles, ImmutableArray<LoopBound> bounds)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("lanes");
            foreach (FlowLane lane in graph.Lanes)
            {
                json.WriteStartArray();
                json.WriteStringValue(lane.Id);
                json.WriteStringValue(lane.Label);
                json.WriteStringValue(roles[lane.Index].ToString());
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("nodes");
            foreach (FlowNode node in graph.Nodes)
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
            foreach (FlowEdge edge in graph.Edges)
            {
                json.WriteStartArray();
                json.WriteStringValue(edge.From);
                json.WriteStringValue(edge.To);
                json.WriteStringValue(edge.Label);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("loops");
            for (int i = 0; i < graph.Loops.Length; i++)
            {
                json.WriteStartArray();
                json.WriteStringValue(graph.Loops[i].Condition);
                json.WriteNumberValue(bounds[i].MaxIterations);
                foreach (string node in graph.Loops[i].Nodes)
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
}
