namespace FlowRunner.Engine.Runtime;

/// <summary>No instance has this id.</summary>
public sealed class InstanceNotFoundException(string instanceId) : Exception($"instance '{instanceId}' does not exist")
{
    /// <summary>The id asked for.</summary>
    public string InstanceId { get; } = instanceId;
}

/// <summary>The node is not waiting: answered already (a raced or repeated answer), or never waited.</summary>
public sealed class NotWaitingException(string instanceId, string nodeId, string message) : Exception(message)
{
    /// <summary>The instance.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>The node.</summary>
    public string NodeId { get; } = nodeId;
}

/// <summary>An answer that does not fit what the wait expects.</summary>
public sealed class InvalidInputException(string message) : Exception(message);

/// <summary>
/// A flow that cannot run: it has no start circle or is request-scoped, or an instance's version cannot run in this
/// process as it started (a node that ran a handler has none here, or an activity its bindings name is not loaded).
/// </summary>
public sealed class FlowNotRunnableException(string message) : Exception(message);

/// <summary>An instance the runtime claimed and left as it was, and why (<see cref="FlowRuntime.InstanceRefused"/>).</summary>
public sealed class InstanceRefusedEventArgs(string instanceId, string reason) : EventArgs
{
    /// <summary>The instance.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>Why it cannot run here, and what to change.</summary>
    public string Reason { get; } = reason;
}
