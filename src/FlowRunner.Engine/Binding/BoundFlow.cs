using FlowRunner.Engine.Graph;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Binding;

/// <summary>A compiled flow with every node's binding and every lane's role: what the runtime executes.</summary>
public sealed class BoundFlow
{
    private readonly Dictionary<string, NodeBinding> _nodes;
    private readonly Dictionary<string, LaneRole> _laneRoles;
    private string? _bindingHash;

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

    /// <summary>
    /// A hash of which nodes run a handler (and which wait as manual tasks), kept by every instance at its start: a
    /// process where a node lost its handler (an activity assembly not loaded) or gained one refuses to run the instance
    /// rather than run it differently. Binding a node to another handler changes nothing here: that is a deliberate edit.
    /// </summary>
    public string BindingHash => _bindingHash ??= Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Concat(Graph.Nodes.Select(n => For(n.Id).Handler is null ? $"{n.Id}\n" : $"{n.Id}=handler\n")))))[..16];

    /// <summary>What the nodes that need a handler run here, for messages: <c>n3 runs 'x.y', n5 waits as a manual task</c>.</summary>
    internal string DescribeBindings()
    {
        string[] nodes = [.. Graph.Nodes.Where(n => n.Kind is NodeKind.Activity or NodeKind.Decision)
            .Select(n => For(n.Id).Handler is { } handler ? $"{n.Id} runs '{handler.Type}'" : $"{n.Id} waits as a manual task")];
        return nodes.Length <= 8 ? string.Join(", ", nodes) : string.Join(", ", nodes.Take(8)) + $" and {nodes.Length - 8} more";
    }

    /// <summary>The binding of a node (unbound when none was found).</summary>
    internal NodeBinding For(string nodeId) => _nodes.GetValueOrDefault(nodeId) ?? NodeBinding.Unbound;

    /// <summary>The role of a lane, after the bindings file's overrides.</summary>
    public LaneRole RoleOf(string? laneId) => laneId is not null && _laneRoles.TryGetValue(laneId, out LaneRole role) ? role : LaneRole.Service;
}
