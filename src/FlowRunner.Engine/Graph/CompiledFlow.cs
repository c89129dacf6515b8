using System.Collections.Immutable;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Graph;

/// <summary>
/// A flow version: the graph with its name, its content hash (instances are pinned to it) and what the engine
/// derives for running it: each lane's inferred role and each loop's bound.
/// </summary>
public sealed class CompiledFlow
{
    private readonly Lazy<string> _hash;

    internal CompiledFlow(string name, Func<string> hash, FlowGraph graph, ImmutableArray<LaneRole> laneRoles, ImmutableArray<LoopBound> loopBounds)
    {
        Name = name;
        _hash = new Lazy<string>(hash);
        Graph = graph;
        LaneRoles = laneRoles;
        LoopBounds = loopBounds;
    }

    /// <summary>The flow's name (its path under the flows folder, without extension), e.g. <c>auth/login</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// SHA-256 (hex) of what runs: reformatting a file keeps it, any real edit changes it. Computed when first
    /// asked, so validating a flow never hashes it.
    /// </summary>
    public string Hash => _hash.Value;

    /// <summary>The graph.</summary>
    public FlowGraph Graph { get; }

    /// <summary>The role inferred for each lane, by lane index (a bindings file may override it).</summary>
    public ImmutableArray<LaneRole> LaneRoles { get; }

    /// <summary>The bound of each loop, by loop index.</summary>
    public ImmutableArray<LoopBound> LoopBounds { get; }
}

/// <summary>How many times an instance may enter a loop's nodes, and whether the loop's text said so.</summary>
public sealed record LoopBound(int MaxIterations, bool FromText);
