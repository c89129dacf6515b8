namespace FlowRunner.Engine.State;

/// <summary>The events a journal records, as they are stored and shown in the API. Each is written here only.</summary>
public static class JournalEvent
{
    /// <summary>The instance started (detail: the flow and its version).</summary>
    public const string Start = "start";

    /// <summary>A branch arrived at a node and it ran.</summary>
    public const string Enter = "enter";

    /// <summary>A node finished, with its outcome if any.</summary>
    public const string Complete = "complete";

    /// <summary>A node waits for input (detail: the fields or choices).</summary>
    public const string Wait = "wait";

    /// <summary>A wait was answered (detail: the answer, secrets redacted).</summary>
    public const string Answer = "answer";

    /// <summary>A branch waits at a join for the other active branches.</summary>
    public const string Join = "join";

    /// <summary>A branch reached an end.</summary>
    public const string End = "end";

    /// <summary>A wait passed its deadline.</summary>
    public const string Timeout = "timeout";

    /// <summary>The instance faulted (outcome: the incident's code).</summary>
    public const string Fault = "fault";

    /// <summary>The last branch ended: the instance completed.</summary>
    public const string CompleteInstance = "complete-instance";
}
