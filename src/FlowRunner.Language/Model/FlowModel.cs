using System.Collections.Immutable;

namespace FlowRunner.Language.Model;

/// <summary>
/// The resolved diagram: lanes, nodes (first declaration of an id wins), edges whose both ends are declared,
/// and loops. References that do not resolve are left out here and reported by the validator.
/// </summary>
public sealed class FlowModel
{
    private readonly Dictionary<string, NodeModel> _nodes;
    private readonly Dictionary<string, LaneModel> _lanes;
    private readonly Dictionary<string, List<EdgeModel>> _outgoing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<EdgeModel>> _incoming = new(StringComparer.Ordinal);

    internal FlowModel(ImmutableArray<LaneModel> lanes, ImmutableArray<NodeModel> nodes, ImmutableArray<EdgeModel> edges, ImmutableArray<LoopModel> loops)
    {
        Lanes = lanes;
        Nodes = nodes;
        Edges = edges;
        Loops = loops;
        _nodes = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        _lanes = new Dictionary<string, LaneModel>(StringComparer.Ordinal);
        foreach (LaneModel lane in lanes)
        {
            _lanes.TryAdd(lane.Id, lane);
        }

        foreach (EdgeModel edge in edges)
        {
            Add(_outgoing, edge.From, edge);
            Add(_incoming, edge.To, edge);
        }
    }

    /// <summary>Lanes in declaration order (a duplicated id appears once, at its first declaration).</summary>
    public ImmutableArray<LaneModel> Lanes { get; }

    /// <summary>Nodes in declaration order.</summary>
    public ImmutableArray<NodeModel> Nodes { get; }

    /// <summary>Edges in definition order.</summary>
    public ImmutableArray<EdgeModel> Edges { get; }

    /// <summary>Loops in definition order.</summary>
    public ImmutableArray<LoopModel> Loops { get; }

    /// <summary>The node with this id, or null.</summary>
    public NodeModel? FindNode(string id) => _nodes.GetValueOrDefault(id);

    /// <summary>The lane with this id, or null.</summary>
    public LaneModel? FindLane(string id) => _lanes.GetValueOrDefault(id);

    /// <summary>Edges leaving a node, in definition order.</summary>
    public IReadOnlyList<EdgeModel> Outgoing(string nodeId) => _outgoing.TryGetValue(nodeId, out List<EdgeModel>? list) ? list : [];

    /// <summary>Edges entering a node, in definition order.</summary>
    public IReadOnlyList<EdgeModel> Incoming(string nodeId) => _incoming.TryGetValue(nodeId, out List<EdgeModel>? list) ? list : [];

    /// <summary>Circles without incoming edges: where instances start.</summary>
    public IEnumerable<NodeModel> Starts => Nodes.Where(n => n.Shape == NodeShape.Circle && Incoming(n.Id).Count == 0);

    /// <summary>Circles without outgoing edges: where instances end.</summary>
    public IEnumerable<NodeModel> Ends => Nodes.Where(n => n.Shape == NodeShape.Circle && Outgoing(n.Id).Count == 0);

    private static void Add(Dictionary<string, List<EdgeModel>> map, string key, EdgeModel edge)
    {
        if (!map.TryGetValue(key, out List<EdgeModel>? list))
        {
            list = [];
            map.Add(key, list);
        }

        list.Add(edge);
    }
}
