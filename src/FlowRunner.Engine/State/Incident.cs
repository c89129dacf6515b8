namespace FlowRunner.Engine.State;

/// <summary>Why an instance faulted: a stable code (<see cref="IncidentCode"/>), the node, and a message that says what to fix.</summary>
/// <param name="Code">One of <see cref="IncidentCode"/>.</param>
/// <param name="NodeId">The node where it happened, if any.</param>
/// <param name="Message">What happened and what to fix.</param>
public sealed record Incident(string Code, string? NodeId, string Message)
{
    /// <summary>The incident of an instance whose flow version is stored nowhere.</summary>
    public static Incident MissingVersion(InstanceState state, string? nodeId) =>
        new(IncidentCode.MissingVersion, nodeId, $"flow '{state.FlowName}' version {state.FlowHash[..12]} is not stored; it cannot run");
}
