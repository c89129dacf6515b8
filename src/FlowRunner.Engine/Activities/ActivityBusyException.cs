namespace FlowRunner.Engine.Activities;

/// <summary>
/// Thrown by a handler that cannot take more work now (its bounded queue is full). The instance faults with a
/// <c>busy</c> incident, so nothing is left half-run, and the caller gets this exception: a host answers 429 with
/// <see cref="RetryAfter"/>.
/// </summary>
public sealed class ActivityBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    /// <summary>When the caller may try again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
