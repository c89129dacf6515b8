namespace FlowRunner.Engine.State;

/// <summary>One journal line: a node ran, waited, was answered, ended a branch, or faulted. Inputs are redacted.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Sequence">Position in the instance's journal, from 1 (assigned by the store when read).</param>
/// <param name="NodeId">The node, if any.</param>
/// <param name="Lane">The node's lane, if any.</param>
/// <param name="Event">One of <see cref="JournalEvent"/>.</param>
/// <param name="Outcome">The outcome produced, if any.</param>
/// <param name="Detail">Redacted detail (input field names, never secret values).</param>
/// <param name="At">When it happened.</param>
public sealed record JournalEntry(string InstanceId, long Sequence, string? NodeId, string? Lane, string Event, string? Outcome, string? Detail, DateTimeOffset At);
