
namespace FlowRunner.Engine.State;

/// <summary>A line of the instance list.</summary>
public sealed record InstanceSummary(string Id, string FlowName, string FlowHash, InstanceStatus Status, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
