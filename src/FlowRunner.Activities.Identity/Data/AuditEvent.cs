namespace FlowRunner.Activities.Identity.Data;

/// <summary>One line of the identity audit log: when, what (e.g. <c>login.lockout</c>) and a detail with no secret in it.</summary>
public sealed record AuditEvent(DateTimeOffset At, string Event, string? Detail);
