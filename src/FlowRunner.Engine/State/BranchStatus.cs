namespace FlowRunner.Engine.State;

/// <summary>Where a branch (a token moving through the graph) stands.</summary>
public enum BranchStatus
{
    /// <summary>Will run its node at the next step.</summary>
    Ready,

    /// <summary>Its node waits for input or a timer.</summary>
    Waiting,

    /// <summary>Arrived at a join and waits for the other active branches that can still reach it.</summary>
    Joining,
}
