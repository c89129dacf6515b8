namespace FlowRunner.Engine.State;

/// <summary>Why an instance faulted: a stable code, the node, and a message that says what to fix.</summary>
/// <param name="Code">outcome-mismatch, loop-bound, activity-failed, activity-error, deadline, missing-version.</param>
/// <param name="NodeId">The node where it happened, if any.</param>
/// <param name="Message">What happened and what to fix.</param>
public sealed record Incident(string Code, string? NodeId, string Message);
