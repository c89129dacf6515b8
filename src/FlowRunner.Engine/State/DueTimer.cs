namespace FlowRunner.Engine.State;

/// <summary>A wait's deadline that has passed.</summary>
public sealed record DueTimer(string InstanceId, string BranchId, DateTimeOffset DueAt);
