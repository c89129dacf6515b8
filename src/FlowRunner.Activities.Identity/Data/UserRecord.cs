using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity.Data;

/// <summary>A row of identity_users.</summary>
public sealed class UserRecord
{
    /// <summary>The user's id (128 random bits, hex).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The email address, trimmed and lower-cased.</summary>
    public string Email { get; set; } = string.Empty;

    /// <summary>The bcrypt hash of the password (<c>$2b$</c>).</summary>
    public string PasswordHash { get; set; } = string.Empty;

    /// <summary>The role claim of the user's tokens, e.g. <c>user</c> or <c>admin</c>.</summary>
    public string Role { get; set; } = "user";

    /// <summary>Failed attempts (passwords, codes) since the last complete sign-in.</summary>
    public long FailedAttempts { get; set; }

    /// <summary>When the lock ends (UTC, stored text), or null when the account is not locked.</summary>
    public string? LockedUntil { get; set; }

    /// <summary>1 when a second factor is on, else 0.</summary>
    public long MfaEnabled { get; set; }

    /// <summary>The TOTP secret, encrypted at rest, or null.</summary>
    public string? TotpSecret { get; set; }

    /// <summary>"totp" (an authenticator app) or "email" (a code sent by email).</summary>
    public string MfaMethod { get; set; } = "totp";

    /// <summary>The last TOTP time step accepted, so each step works once.</summary>
    public long? TotpLastStep { get; set; }

    /// <summary>The name the user chose to be shown by, or null.</summary>
    public string? DisplayName { get; set; }

    /// <summary>When the user was created (UTC, stored text).</summary>
    public string CreatedAt { get; set; } = string.Empty;

    /// <summary>The canonical form of an email address: trimmed and lower-cased.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>True while a lock is in force.</summary>
    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && StoredTime.Parse(until) > now;
}
