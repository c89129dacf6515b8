using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity.Data;

/// <summary>A row of identity_users.</summary>
public sealed class UserRecord
{
    public string Id { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    public string PasswordHash { get; set; } = string.Empty;

    public string Role { get; set; } = "user";

    public long FailedAttempts { get; set; }

    public string? LockedUntil { get; set; }

    public long MfaEnabled { get; set; }

    public string? TotpSecret { get; set; }

    /// <summary>"totp" (an authenticator app) or "email" (a code sent by email).</summary>
    public string MfaMethod { get; set; } = "totp";

    public long? TotpLastStep { get; set; }

    public string CreatedAt { get; set; } = string.Empty;

    /// <summary>The canonical form of an email address: trimmed and lower-cased.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>True while a lock is in force.</summary>
    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && StoredTime.Parse(until) > now;
}
