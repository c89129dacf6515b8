using System.Collections.Frozen;
using System.Collections.Immutable;

namespace FlowRunner.Engine.Graph;

/// <summary>
/// A compiled flow: immutable, with a content hash over everything that affects execution (not line numbers
/// or layout), so reformatting a file keeps its version and any real edit makes a new one.
/// </summary>
public sealed class FlowGraph
{
    private readonly FrozenDictionary<string, FlowNode> _nodes;

    internal FlowGraph(string name, string sourcePath, string hash, ImmutableArray<FlowLane> lanes, ImmutableArray<FlowNode> nodes, ImmutableArray<FlowEdge> edges, ImmutableArray<FlowLoop> loops)
    {
        Name = name;
        SourcePath = sourcePath;
        Hash = hash;
        Lanes = lanes;
        Nodes = nodes;
        Edges = edges;
        Loops = loops;
        _nodes = nodes.ToFrozenDictionary(n => n.Id, StringComparer.Ordinal);
    }

    /// <summary>The flow's name (its path under the flows folder, without extension).</summary>
    public string Name { get; }

    /// <summary>The file the flow was read from, as given to the parser.</summary>
    public string SourcePath { get; }

    /// <summary>SHA-256 (hex) of the canonical form of the graph.</summary>
    public string Hash { get; }

    /// <summary>Lanes in declaration order.</summary>
    public ImmutableArray<FlowLane> Lanes { get; }

    /// <summary>Nodes in declaration order.</summary>
    public ImmutableArray<FlowNode> Nodes { get; }

    /// <summary>Edges in definition order.</summary>
    public ImmutableArray<FlowEdge> Edges { get; }

    /// <summary>Loop regions with their bounds.</summary>
    public ImmutableArray<FlowLoop> Loops { get; }

    /// <summary>The start nodes.</summary>
    public IEnumerable<FlowNode> Starts => Nodes.Where(n => n.Kind == NodeKind.Start);

    /// <summary>The node with this id, or null.</summary>
    public FlowNode? FindNode(string id) => _nodes.GetValueOrDefault(id);

    /// <summary>The node with this id.</summary>
    /// <exception cref="KeyNotFoundException">No node has this id.</exception>
    public FlowNode Node(string id) => _nodes[id];

    /// <summary>The lane with this id, or null.</summary>
    public FlowLane? FindLane(string? id) => id is null ? null : Lanes.FirstOrDefault(l => l.Id == id);
}
