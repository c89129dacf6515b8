using System.Collections.Immutable;
using FlowRunner.Language.Graph.Algorithms;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Graph;

/// <summary>
/// A flow as one immutable graph: lanes, nodes, edges with their handles and labels, and loops, bound from a syntax
/// tree. Lint rules check it, the engine runs it, exports write it and renderers draw it. References that do not
/// resolve are left out (the binder reports them).
/// </summary>
public sealed class FlowGraph
{
    private readonly Dictionary<string, FlowNode> _nodes;
    private readonly Dictionary<string, FlowLane> _lanes;
    private readonly bool[]?[] _reachable;

    internal FlowGraph(FlowDocument syntax, ImmutableArray<FlowLane> lanes, ImmutableArray<FlowNode> nodes, ImmutableArray<FlowEdge> edges, ImmutableArray<FlowLoop> loops)
    {
        Syntax = syntax;
        Lanes = lanes;
        Nodes = nodes;
        Edges = edges;
        Loops = loops;
        _nodes = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        _lanes = lanes.ToDictionary(l => l.Id, StringComparer.Ordinal);
        _reachable = new bool[]?[nodes.Length];
        Digraph = new Digraph(nodes.Length, edges.Select(e => (e.FromIndex, e.ToIndex)));
    }

    /// <summary>The syntax tree the graph was bound from.</summary>
    public FlowDocument Syntax { get; }

    /// <summary>The source text.</summary>
    public SourceText Source => Syntax.Source;

    /// <summary>Lanes in declaration order (the first block of a repeated id).</summary>
    public ImmutableArray<FlowLane> Lanes { get; }

    /// <summary>Nodes in declaration order (the first declaration of a repeated id).</summary>
    public ImmutableArray<FlowNode> Nodes { get; }

    /// <summary>Edges in definition order.</summary>
    public ImmutableArray<FlowEdge> Edges { get; }

    /// <summary>Loops in definition order.</summary>
    public ImmutableArray<FlowLoop> Loops { get; }

    /// <summary>The nodes and edges as numbers, for the algorithms.</summary>
    internal Digraph Digraph { get; }

    /// <summary>The start nodes: circles without incoming edges.</summary>
    public IEnumerable<FlowNode> Starts => Nodes.Where(n => n.Kind == NodeKind.Start);

    /// <summary>The node with this id, or null.</summary>
    public FlowNode? FindNode(string id) => _nodes.GetValueOrDefault(id);

    /// <summary>The lane with this id, or null.</summary>
    public FlowLane? FindLane(string? id) => id is null ? null : _lanes.GetValueOrDefault(id);

    /// <summary>True when a path of one or more edges leads from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool CanReach(FlowNode from, FlowNode to)
    {
        bool[] reached = _reachable[from.Index] ??= GraphSearch.Reach(Digraph, from.Outgoing.Select(e => e.ToIndex));
        return reached[to.Index];
    }
}
