using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.State;

/// <summary>A token: one active path through the instance.</summary>
public sealed class Branch
{
    /// <summary>Stable id within the instance.</summary>
    public required string Id { get; init; }

    /// <summary>The node the branch is at.</summary>
    public required string NodeId { get; set; }

    /// <summary>Ready, waiting or joining.</summary>
    public BranchStatus Status { get; set; }

    /// <summary>The outcome of the last activity on this branch, for a following decision.</summary>
    public string? PreviousOutcome { get; set; }

    /// <summary>What the node waits for, while <see cref="Status"/> is <see cref="BranchStatus.Waiting"/>.</summary>
    public WaitRequest? Wait { get; set; }

    /// <summary>The answer to the wait, set by a resume and consumed when the node runs again.</summary>
    public ImmutableDictionary<string, JsonElement>? Answer { get; set; }

    /// <summary>True when the answer came from a deadline passing, not from a caller.</summary>
    public bool TimedOut { get; set; }
}
