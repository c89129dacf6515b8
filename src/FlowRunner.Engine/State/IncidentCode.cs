namespace FlowRunner.Engine.State;

/// <summary>Why an instance faulted, as stored in its incident. Each code is written here only.</summary>
public static class IncidentCode
{
    /// <summary>A decision got an outcome that matches none of its exits.</summary>
    public const string OutcomeMismatch = "outcome-mismatch";

    /// <summary>A node would run more often than its loop bound allows.</summary>
    public const string LoopBound = "loop-bound";

    /// <summary>A handler returned a failure.</summary>
    public const string ActivityFailed = "activity-failed";

    /// <summary>A handler threw.</summary>
    public const string ActivityError = "activity-error";

    /// <summary>A wait passed its deadline and the node has no timeout exit.</summary>
    public const string Deadline = "deadline";

    /// <summary>A handler could not take the request now (<see cref="Activities.ActivityBusyException"/>); the caller was told to retry.</summary>
    public const string Busy = "busy";

    /// <summary>A request-scoped flow reached something only a durable flow can do (wait, write to the outbox).</summary>
    public const string RequestScope = "request-scope";

    /// <summary>The flow version the instance is pinned to is stored nowhere.</summary>
    public const string MissingVersion = "missing-version";
}
