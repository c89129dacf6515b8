using System.Collections.Immutable;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>
/// Builds a <see cref="FlowModel"/> statement by statement, in source order, so the parser can hand it each
/// statement while the statement is still in the CPU cache (<see cref="FlowAnalysis"/>); walking a finished tree
/// of 100k nodes a second time read it back from memory and made resolving its edges grow 18x for 10x the input.
/// </summary>
/// <remarks>
/// Nodes are registered as they come, the first declaration of an id winning. An edge whose endpoints are all
/// declared by then is resolved at once (the node found is final: a later declaration of the same id is a
/// duplicate and never replaces it); any other edge, and every loop, is resolved in <see cref="Finish"/> against
/// all declarations, exactly as a walk of the finished tree would. Edges keep source order whatever was deferred.
/// Resolved edges are kept as values and become objects only in <see cref="Finish"/>, next to each other in
/// memory: the whole-graph rules then read them (and the node shapes, kept in an array) without chasing objects
/// scattered among the syntax tree.
/// </remarks>
internal sealed class ModelBuilder : IModelLookup
{
    private readonly ImmutableArray<LaneModel>.Builder _lanes = ImmutableArray.CreateBuilder<LaneModel>();
    private readonly Dictionary<string, LaneModel> _laneIds = new(StringComparer.Ordinal);
    private readonly ImmutableArray<NodeModel>.Builder _nodes = ImmutableArray.CreateBuilder<NodeModel>();
    private readonly NodeTable _nodeIds;
    private readonly List<NodeShape> _shapes = [];
    private readonly Chunks<ResolvedEdge> _edges = new();
    private readonly Action<ResolvedEdge> _keep;

    // Edge statements in source order that could not be resolved when read, with the number of edges before them.
    private readonly List<(int Position, EdgeSyntax Edge)> _deferredEdges = [];
    private readonly List<LoopSyntax> _loops = [];

    /// <param name="statementCount">At least the number of statements (a line count will do): sizes the node table.</param>
    public ModelBuilder(int statementCount)
    {
        _nodeIds = new NodeTable(statementCount);
        _keep = _edges.Add;
    }

    /// <summary>A node, edge or loop statement, written in <paramref name="lane"/> (null at top level).</summary>
    public void Add(StatementSyntax statement, string? lane)
    {
        switch (statement)
        {
            case NodeSyntax node:
                var model = new NodeModel(node.Id.Text, lane, FlowModelBuilder.ParseShape(node.Shape.Text), new AttributeMap(node.Attributes), node) { Index = _nodes.Count };
                if (_nodeIds.TryAdd(model))
                {
                    _nodes.Add(model);
                    _shapes.Add(model.Shape);
                }

                break;
            case EdgeSyntax edge:
                if (IsResolvable(edge))
                {
                    Resolve(edge, _keep);
                }
                else
                {
                    _deferredEdges.Add((_edges.Count, edge));
                }

                break;
            case LoopSyntax loop:
                _loops.Add(loop);
                break;
        }
    }

    /// <summary>A lane block, once closed; the first block of an id gives the lane.</summary>
    public void AddLane(LaneSyntax lane)
    {
        if (!_laneIds.ContainsKey(lane.Id.Text))
        {
            var model = new LaneModel(lane.Id.Text, lane.DisplayLabel is { Text.Length: > 0 } label ? label.Text : lane.Id.Text, lane);
            _laneIds.Add(lane.Id.Text, model);
            _lanes.Add(model);
        }
    }

    /// <inheritdoc/>
    public NodeModel? FindNode(string id) => _nodeIds.Find(id);

    /// <inheritdoc/>
    public LaneModel? FindLane(string id) => _laneIds.GetValueOrDefault(id);

    /// <summary>Resolves what was deferred and returns the model.</summary>
    public FlowModel Finish()
    {
        // The deferred statements' edges go in at their places, so indexes follow the source. The node indexes of
        // every edge are gathered on the way for the model's adjacency, which then never reads the edge objects.
        var late = new List<ResolvedEdge>[_deferredEdges.Count];
        int total = _edges.Count;
        for (int d = 0; d < late.Length; d++)
        {
            late[d] = [];
            Resolve(_deferredEdges[d].Edge, late[d].Add);
            total += late[d].Count;
        }

        var edges = ImmutableArray.CreateBuilder<EdgeModel>(total);
        int[] sources = new int[total];
        int[] targets = new int[total];
        void Take(ResolvedEdge resolved)
        {
            sources[edges.Count] = resolved.FromIndex;
            targets[edges.Count] = resolved.ToIndex;
            edges.Add(resolved.ToModel(edges.Count));
        }

        int taken = 0;
        for (int d = 0; d < late.Length; d++)
        {
            for (; taken < _deferredEdges[d].Position; taken++)
            {
                Take(_edges[taken]);
            }

            late[d].ForEach(Take);
        }

        for (; taken < _edges.Count; taken++)
        {
            Take(_edges[taken]);
        }

        var loops = ImmutableArray.CreateBuilder<LoopModel>(_loops.Count);
        foreach (LoopSyntax loop in _loops)
        {
            loops.Add(new LoopModel(loop.Condition, [.. loop.Nodes.Select(n => n.Text).Where(id => _nodeIds.Find(id) is not null)], loop));
        }

        return new FlowModel(_lanes.ToImmutable(), _nodes.ToImmutable(), [.. _shapes], _nodeIds, edges.MoveToImmutable(), sources, targets, loops.MoveToImmutable());
    }

    private bool IsResolvable(EdgeSyntax edge)
    {
        foreach (EndpointSyntax endpoint in edge.Path)
        {
            if (_nodeIds.Find(endpoint.Node.Text) is null)
            {
                return false;
            }
        }

        return true;
    }

    // One edge per step of the path whose two ends are declared; a step with an undeclared end is left out (the
    // validator reports it).
    private void Resolve(EdgeSyntax edge, Action<ResolvedEdge> add)
    {
        string? label = edge.Label is { Value.Value: { Length: > 0 } text } ? text : null;
        for (int i = 0; i + 1 < edge.Path.Length; i++)
        {
            EndpointSyntax from = edge.Path[i];
            EndpointSyntax to = edge.Path[i + 1];
            if (_nodeIds.Find(from.Node.Text) is { } source && _nodeIds.Find(to.Node.Text) is { } target)
            {
                bool sameLane = source.Lane == target.Lane;
                HandleDirection fromHandle = FlowModelBuilder.ParseDirection(from.Handle) ?? (sameLane ? HandleDirection.Right : HandleDirection.Bottom);
                HandleDirection toHandle = FlowModelBuilder.ParseDirection(to.Handle) ?? (sameLane ? HandleDirection.Left : HandleDirection.Top);
                add(new ResolvedEdge(source.Id, target.Id, source.Index, target.Index, label, fromHandle, toHandle, from.Handle is null || to.Handle is null, edge));
            }
        }
    }

    // A list in fixed blocks: growing never copies what it holds (a flow of 100k nodes has 110k edges to keep).
    private sealed class Chunks<T>
    {
        private const int Size = 1024;
        private readonly List<T[]> _blocks = [];

        public int Count { get; private set; }

        public T this[int index] => _blocks[index / Size][index % Size];

        public void Add(T item)
        {
            if (Count % Size == 0)
            {
                _blocks.Add(new T[Size]);
            }

            _blocks[^1][Count % Size] = item;
            Count++;
        }
    }

    // What an edge model holds, read while its nodes are in cache.
    private readonly record struct ResolvedEdge(
        string From, string To, int FromIndex, int ToIndex, string? Label, HandleDirection FromHandle, HandleDirection ToHandle, bool HandlesInferred, EdgeSyntax Syntax)
    {
        public EdgeModel ToModel(int index) =>
            new(index, From, To, Label, FromHandle, ToHandle, HandlesInferred, Syntax) { FromIndex = FromIndex, ToIndex = ToIndex };
    }
}

/// <summary>Finding declared nodes and lanes, in a finished model or in one being built.</summary>
internal interface IModelLookup
{
    /// <summary>The first declaration of a node id, or null.</summary>
    NodeModel? FindNode(string id);

    /// <summary>The first block of a lane id, or null.</summary>
    LaneModel? FindLane(string id);
}
