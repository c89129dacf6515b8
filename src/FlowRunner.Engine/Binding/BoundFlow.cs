using System.Collections.Frozen;
using FlowRunner.Engine.Graph;

namespace FlowRunner.Engine.Binding;

/// <summary>A compiled flow with every node's binding and every lane's role: what the runtime executes.</summary>
public sealed class BoundFlow(FlowGraph graph, FrozenDictionary<string, NodeBinding> nodes, FrozenDictionary<string, LaneRole> laneRoles)
{
    /// <summary>The compiled graph.</summary>
    public FlowGraph Graph { get; } = graph;

    /// <summary>The binding of a node (unbound when none was found).</summary>
    public NodeBinding For(string nodeId) => nodes.GetValueOrDefault(nodeId) ?? NodeBinding.Unbound;

    /// <summary>The role of a lane, after the bindings file's overrides.</summary>
    public LaneRole RoleOf(string? laneId) => laneId is not null && laneRoles.TryGetValue(laneId, out LaneRole role) ? role : LaneRole.Service;
}
