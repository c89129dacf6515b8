namespace FlowRunner.Engine.Persistence;

/// <summary>Another caller changed the instance first (a raced or stale resume). Typed so hosts can answer 409.</summary>
public sealed class ConcurrencyException(string instanceId, string message) : Exception(message)
{
    /// <summary>The instance.</summary>
    public string InstanceId { get; } = instanceId;
}
