namespace FlowRunner.Engine.Activities;

/// <summary>
/// Thrown by a handler, before or inside its commit work, that cannot take the request now: its bounded queue is full,
/// or the address is locked by failed attempts. Its commit work rolls back, the instance faults with a <c>busy</c>
/// incident, so nothing is left half-run, and the caller gets this exception: a host answers 429 with
/// <see cref="RetryAfter"/>.
/// </summary>
public sealed class ActivityBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    /// <summary>When the caller may try again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
