namespace FlowRunner.Engine.Activities;

/// <summary>The kinds of <see cref="ActivityResult"/>.</summary>
public enum ActivityResultKind
{
    /// <summary>The node is done; the instance moves on.</summary>
    Completed,

    /// <summary>The node waits for input.</summary>
    Wait,

    /// <summary>The node failed; the instance faults with an incident.</summary>
    Fail,

    /// <summary>The node finishes inside the step's commit (<see cref="ActivityResult.InCommit"/>).</summary>
    Commit,
}
