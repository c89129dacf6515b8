namespace FlowRunner.Engine.State;

/// <summary>Where an instance stands.</summary>
public enum InstanceStatus
{
    /// <summary>Has branches ready to run (or was interrupted mid-run; recovery resumes it).</summary>
    Running,

    /// <summary>Every live branch waits for input or a timer.</summary>
    Waiting,

    /// <summary>Every branch reached an end.</summary>
    Completed,

    /// <summary>Stopped by an incident.</summary>
    Faulted,
}
