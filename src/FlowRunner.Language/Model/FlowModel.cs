using System.Collections.Immutable;

namespace FlowRunner.Language.Model;

/// <summary>
/// The resolved diagram: lanes, nodes (first declaration of an id wins), edges whose both ends are declared,
/// and loops. References that do not resolve are left out here and reported by the validator.
/// </summary>
public sealed class FlowModel : IModelLookup
{
    private readonly NodeTable _nodes;
    private readonly Dictionary<string, LaneModel> _lanes;
    private readonly NodeShape[] _shapes;
    private readonly Adjacency _outgoing;
    private readonly Adjacency _incoming;

    /// <param name="lanes">The lanes.</param>
    /// <param name="nodes">The nodes.</param>
    /// <param name="shapes">The shape of every node, by index (whole-graph rules read shapes without the nodes).</param>
    /// <param name="nodesById">The nodes by id.</param>
    /// <param name="edges">The edges.</param>
    /// <param name="sources">The source node index of every edge, by edge index.</param>
    /// <param name="targets">The target node index of every edge, by edge index.</param>
    /// <param name="loops">The loops.</param>
    internal FlowModel(
        ImmutableArray<LaneModel> lanes,
        ImmutableArray<NodeModel> nodes,
        NodeShape[] shapes,
        NodeTable nodesById,
        ImmutableArray<EdgeModel> edges,
        int[] sources,
        int[] targets,
        ImmutableArray<LoopModel> loops)
    {
        Lanes = lanes;
        Nodes = nodes;
        Edges = edges;
        Loops = loops;
        _nodes = nodesById;
        _shapes = shapes;

        _lanes = new Dictionary<string, LaneModel>(StringComparer.Ordinal);
        foreach (LaneModel lane in lanes)
        {
            _lanes.TryAdd(lane.Id, lane);
        }

        _outgoing = new Adjacency(edges, nodes.Length, sources, targets);
        _incoming = new Adjacency(edges, nodes.Length, targets, sources);
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
    public NodeModel? FindNode(string id) => _nodes.Find(id);

    /// <summary>The first numbers missing from n1 up to the highest numbered id (FZ3007), and how many are missing.</summary>
    internal List<int> MissingNumbers(int limit, out long missingCount) => _nodes.MissingNumbers(limit, out missingCount);

    /// <summary>The lane with this id, or null.</summary>
    public LaneModel? FindLane(string id) => _lanes.GetValueOrDefault(id);

    /// <summary>Edges leaving a node, in definition order.</summary>
    public IReadOnlyList<EdgeModel> Outgoing(string nodeId) => _nodes.Find(nodeId) is { } node ? _outgoing.Of(node.Index) : [];

    /// <summary>Edges entering a node, in definition order.</summary>
    public IReadOnlyList<EdgeModel> Incoming(string nodeId) => _nodes.Find(nodeId) is { } node ? _incoming.Of(node.Index) : [];

    /// <summary>Edges leaving a node, in definition order (no lookup: the node knows its index; a struct, so
    /// <c>foreach</c> over it allocates nothing).</summary>
    public ArraySegment<EdgeModel> Outgoing(NodeModel node) => _outgoing.Of(node.Index);

    /// <summary>Edges entering a node, in definition order.</summary>
    public ArraySegment<EdgeModel> Incoming(NodeModel node) => _incoming.Of(node.Index);

    /// <summary>Number of edges leaving a node.</summary>
    public int OutDegree(NodeModel node) => _outgoing.Count(node.Index);

    /// <summary>Number of edges entering a node.</summary>
    public int InDegree(NodeModel node) => _incoming.Count(node.Index);

    /// <summary>Circles without incoming edges: where instances start.</summary>
    public IEnumerable<NodeModel> Starts => Nodes.Where(n => n.Shape == NodeShape.Circle && InDegree(n) == 0);

    /// <summary>Circles without outgoing edges: where instances end.</summary>
    public IEnumerable<NodeModel> Ends => Nodes.Where(n => n.Shape == NodeShape.Circle && OutDegree(n) == 0);

    /// <summary>The shape of the node at an index.</summary>
    internal NodeShape ShapeAt(int node) => _shapes[node];

    /// <summary>How many edges leave the node at an index.</summary>
    internal int OutDegree(int node) => _outgoing.Count(node);

    /// <summary>How many edges enter the node at an index.</summary>
    internal int InDegree(int node) => _incoming.Count(node);

    /// <summary>The target indexes of the edges leaving the node at an index, in definition order.</summary>
    /// <remarks>Plain integers next to each other: the whole-graph rules walk a flow of 100k nodes through these.</remarks>
    internal ReadOnlySpan<int> Successors(int node) => _outgoing.Neighbours(node);

    /// <summary>The source indexes of the edges entering the node at an index, in definition order.</summary>
    internal ReadOnlySpan<int> Predecessors(int node) => _incoming.Neighbours(node);

    /// <summary>The edges leaving the node at an index, in definition order.</summary>
    internal ArraySegment<EdgeModel> OutgoingAt(int node) => _outgoing.Of(node);

    // Edges grouped by source (or target) node: a start offset per node into one array (compressed sparse rows),
    // with the other end's index alongside each edge.
    private sealed class Adjacency
    {
        private readonly EdgeModel[] _edges;
        private readonly int[] _neighbours;
        private readonly int[] _start;

        // Groups edges by key node; within a group they keep definition order.
        public Adjacency(ImmutableArray<EdgeModel> edges, int nodeCount, int[] keys, int[] others)
        {
            // Sizes, then running totals: _start[k] is where group k ends, _start[nodeCount] the edge count.
            _start = new int[nodeCount + 1];
            foreach (int key in keys)
            {
                _start[key]++;
            }

            for (int i = 1; i <= nodeCount; i++)
            {
                _start[i] += _start[i - 1];
            }

            // Filling each group from its end, last edge first, moves _start[k] back to where group k begins.
            _edges = new EdgeModel[edges.Length];
            _neighbours = new int[edges.Length];
            for (int e = edges.Length - 1; e >= 0; e--)
            {
                int slot = --_start[keys[e]];
                _edges[slot] = edges[e];
                _neighbours[slot] = others[e];
            }
        }

        public int Count(int node) => _start[node + 1] - _start[node];

        public ArraySegment<EdgeModel> Of(int node) => new(_edges, _start[node], _start[node + 1] - _start[node]);

        public ReadOnlySpan<int> Neighbours(int node) => _neighbours.AsSpan(_start[node], _start[node + 1] - _start[node]);
    }
}
