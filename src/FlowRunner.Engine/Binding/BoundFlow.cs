using System.Collections.Frozen;
using FlowRunner.Engine.Graph;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Binding;

/// <summary>A compiled flow with every node's binding and every lane's role: what the runtime executes.</summary>
public sealed class BoundFlow(CompiledFlow compiled, FrozenDictionary<string, NodeBinding> nodes, FrozenDictionary<string, LaneRole> laneRoles)
{
    /// <summary>The compiled flow.</summary>
    public CompiledFlow Compiled { get; } = compiled;

    /// <summary>The graph.</summary>
    public FlowGraph Graph => Compiled.Graph;

    /// <summary>The flow's name.</summary>
    public string Name => Compiled.Name;

    /// <summary>The content hash instances are pinned to.</summary>
    public string Hash => Compiled.Hash;

    /// <summary>The binding of a node (unbound when none was found).</summary>
    public NodeBinding For(string nodeId) => nodes.GetValueOrDefault(nodeId) ?? NodeBinding.Unbound;

    /// <summary>The role of a lane, after the bindings file's overrides.</summary>
    public LaneRole RoleOf(string? laneId) => laneId is not null && laneRoles.TryGetValue(laneId, out LaneRole role) ? role : LaneRole.Service;
}
