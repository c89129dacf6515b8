using FlowRunner.Language.Rendering;

namespace FlowRunner.Engine.State;

/// <summary>An instance's journal as a trace the renderers draw over its flow (<see cref="SvgOverlay.Of"/>).</summary>
public static class InstancePath
{
    /// <summary>The nodes it entered and completed, in order; where it waits; where it faulted.</summary>
    public static InstanceTrace Of(InstanceState state, IReadOnlyList<JournalEntry> journal) => new(
        [.. journal
            .Where(e => e.NodeId is not null && e.Event is JournalEvent.Enter or JournalEvent.Complete)
            .Select(e => new TraceStep(e.NodeId!, e.Event == JournalEvent.Enter, e.Outcome))],
        new HashSet<string>(state.Branches.Where(b => b.Status == BranchStatus.Waiting).Select(b => b.NodeId), StringComparer.Ordinal),
        state.Status == InstanceStatus.Faulted ? state.Incident?.NodeId : null,
        StatusName(state.Status));

    /// <summary>The status as the API and CLI write it.</summary>
    public static string StatusName(InstanceStatus status) => status switch
    {
        InstanceStatus.Running => "running",
        InstanceStatus.Waiting => "waiting",
        InstanceStatus.Completed => "completed",
        InstanceStatus.Faulted => "faulted",
        _ => status.ToString().ToLowerInvariant(),
    };
}
