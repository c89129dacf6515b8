using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.State;

namespace FlowRunner.Engine.Runtime;

/// <summary>An instance as callers see it after a start or a resume.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Status">completed, waiting, running or faulted.</param>
/// <param name="Version">The instance version (send it back to detect stale answers).</param>
/// <param name="Path">Node ids in execution order.</param>
/// <param name="WaitingAt">What each waiting node expects.</param>
/// <param name="Outputs">Values delivered by the flow.</param>
/// <param name="Incident">Why it faulted, or null.</param>
public sealed record RunResult(
    string InstanceId,
    InstanceStatus Status,
    int Version,
    ImmutableArray<string> Path,
    ImmutableArray<WaitingNode> WaitingAt,
    ImmutableDictionary<string, JsonElement> Outputs,
    Incident? Incident);

/// <summary>A node that waits, and what it expects.</summary>
public sealed record WaitingNode(string Node, string? Lane, string Label, WaitRequest Expects);
