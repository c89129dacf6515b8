using FlowRunner.Engine.Graph;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Binding;

/// <summary>A compiled flow with every node's binding and every lane's role: what the runtime executes.</summary>
public sealed class BoundFlow
{
    private readonly Dictionary<string, NodeBinding> _nodes;
    private readonly Dictionary<string, LaneRole> _laneRoles;

    internal BoundFlow(CompiledFlow compiled, Dictionary<string, NodeBinding> nodes, Dictionary<string, LaneRole> laneRoles, FlowMode mode)
    {
        Compiled = compiled;
        Mode = mode;
        _nodes = nodes;
        _laneRoles = laneRoles;
    }

    /// <summary>The compiled flow.</summary>
    public CompiledFlow Compiled { get; }

    /// <summary>Durable (the default) or request-scoped, from the bindings file.</summary>
    public FlowMode Mode { get; }

    /// <summary>The graph.</summary>
    public FlowGraph Graph => Compiled.Graph;

    /// <summary>The flow's name.</summary>
    public string Name => Compiled.Name;

    /// <summary>The content hash instances are pinned to.</summary>
    public string Hash => Compiled.Hash;

    /// <summary>The binding of a node (unbound when none was found).</summary>
    internal NodeBinding For(string nodeId) => _nodes.GetValueOrDefault(nodeId) ?? NodeBinding.Unbound;

    /// <summary>The role of a lane, after the bindings file's overrides.</summary>
    public LaneRole RoleOf(string? laneId) => laneId is not null && _laneRoles.TryGetValue(laneId, out LaneRole role) ? role : LaneRole.Service;
}
