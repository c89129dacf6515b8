using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Data;

/// <summary>
/// The identity tables: users, lockout counters, TOTP state, backup codes, sessions, refresh tokens, reset links,
/// emailed codes and the audit log. Every check-and-change that races (failed-attempt counting, TOTP one-time use,
/// backup-code redemption, refresh-token rotation) is atomic: of concurrent callers exactly one wins. Obtained from a
/// unit of work (<see cref="IUnitOfWork.Store{T}"/>), so writes commit with the step.
/// </summary>
public interface IIdentityStore
{
    /// <summary>Creates a user (the email is stored normalised); returns the new id.</summary>
    /// <exception cref="InvalidOperationException">A user with this email exists.</exception>
    Task<string> CreateUserAsync(string email, string passwordHash, string role, DateTimeOffset now);

    /// <summary>The user with this email (compared normalised), or null.</summary>
    Task<UserRecord?> FindByEmailAsync(string email);

    /// <summary>The user with this id, or null.</summary>
    Task<UserRecord?> FindAsync(string id);

    /// <summary>Every user, by email.</summary>
    Task<IReadOnlyList<UserRecord>> ListAsync();

    /// <summary>
    /// Counts a failed attempt and locks the account when it reaches the limit; returns the new count. After a lock has
    /// run out, counting starts again from 1.
    /// </summary>
    Task<long> RecordFailureAsync(string userId, DateTimeOffset now, int maxAttempts, TimeSpan lockout);

    /// <summary>Clears the failed-attempt count and any lock (a complete sign-in).</summary>
    Task ResetFailuresAsync(string userId, DateTimeOffset now);

    /// <summary>Lifts a lock and clears the counter; false when no user has the email.</summary>
    Task<bool> UnlockAsync(string email, DateTimeOffset now);

    /// <summary>Replaces the password hash.</summary>
    Task SetPasswordHashAsync(string userId, string hash, DateTimeOffset now);

    /// <summary>Accepts a TOTP step once: true only if it is later than every step used before (RFC 6238 §5.2).</summary>
    Task<bool> TryUseTotpStepAsync(string userId, long timeStep);

    /// <summary>Keeps a new TOTP secret (encrypted) until its first code proves it, replacing an earlier one.</summary>
    Task SetPendingSecretAsync(string userId, string protectedSecret, DateTimeOffset expires);

    /// <summary>The pending secret if it has not expired.</summary>
    Task<string?> GetPendingSecretAsync(string userId, DateTimeOffset now);

    /// <summary>Turns the pending secret into the active one; the step that proved it is marked used.</summary>
    Task ActivateTotpAsync(string userId, string protectedSecret, long usedStep, DateTimeOffset now);

    /// <summary>Replaces the whole set of backup codes (the previous set stops working).</summary>
    Task ReplaceBackupCodesAsync(string userId, IEnumerable<string> hashes, DateTimeOffset now);

    /// <summary>Uses a backup code: true for exactly one caller, however many try it at once.</summary>
    Task<bool> TryRedeemBackupCodeAsync(string userId, string hash, DateTimeOffset now);

    /// <summary>How many backup codes are left.</summary>
    Task<long> CountUnusedBackupCodesAsync(string userId);

    /// <summary>Starts a session (what a refresh-token family belongs to); returns its id.</summary>
    Task<string> CreateSessionAsync(string userId, DateTimeOffset now, DateTimeOffset expires);

    /// <summary>Stores a refresh token by its hash, in a family and session, with the family's absolute expiry.</summary>
    Task AddRefreshTokenAsync(string tokenHash, string familyId, string sessionId, string userId, DateTimeOffset now, DateTimeOffset expires);

    /// <summary>
    /// Uses a refresh token: marks it used and returns its family, session, user and absolute expiry, or null when it is
    /// unknown, used, revoked or expired. One statement, so of two racing refreshes exactly one gets the row.
    /// </summary>
    Task<RefreshTokenRecord?> RedeemRefreshTokenAsync(string tokenHash, DateTimeOffset now);

    /// <summary>The family of a refresh token that was already used (a reuse), or null.</summary>
    Task<RefreshTokenRecord?> FindUsedRefreshTokenAsync(string tokenHash);

    /// <summary>Revokes every token of a family and its session (a stolen token was replayed).</summary>
    Task RevokeFamilyAsync(string familyId, DateTimeOffset now);

    /// <summary>
    /// Revokes every session, device session and refresh token of a user (password change), and records a
    /// <c>session.revoked_all</c> event so the gateway closes the user's streams.
    /// </summary>
    Task RevokeUserSessionsAsync(string userId, DateTimeOffset now);

    /// <summary>Binds a device's Ed25519 public key to a user; returns the new device session's id.</summary>
    Task<string> CreateDeviceSessionAsync(string userId, byte[] publicKey, DateTimeOffset now);

    /// <summary>A device session (active or revoked), or null.</summary>
    Task<DeviceSessionRecord?> FindDeviceSessionAsync(string id);

    /// <summary>A user's device sessions, newest first.</summary>
    Task<IReadOnlyList<DeviceSessionRecord>> ListDeviceSessionsAsync(string userId);

    /// <summary>Revokes one of a user's device sessions; false when the user has no such active session.</summary>
    Task<bool> RevokeDeviceSessionAsync(string userId, string id, DateTimeOffset now);

    /// <summary>Stores the code of a sign-in by email (its hash), replacing an earlier one of the same sign-in.</summary>
    Task StoreEmailChallengeAsync(string instanceId, string email, string codeHash, DateTimeOffset expires);

    /// <summary>
    /// Tries a code against a sign-in's challenge, in one statement: <see cref="ChallengeResult.Valid"/> once, then
    /// never again; <see cref="ChallengeResult.Invalid"/> for a wrong code while tries are left;
    /// <see cref="ChallengeResult.Spent"/> when it is used, expired, unknown, or this wrong code was the last try.
    /// </summary>
    Task<ChallengeResult> TryEmailChallengeAsync(string instanceId, string codeHash, DateTimeOffset now, int maxAttempts);

    /// <summary>Records an event for the gateway (a JSON payload with no secret in it), in the transaction of the change.</summary>
    Task AppendEventAsync(string userId, string kind, string payload, DateTimeOffset now);

    /// <summary>Events after <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<IdentityEvent>> ReadEventsAsync(long afterId, int limit);

    /// <summary>The id of the newest event, or 0 when there is none: where a new follower starts.</summary>
    Task<long> LatestEventIdAsync();

    /// <summary>
    /// Deletes what has no use left: emailed codes and sign-in challenges expired by <paramref name="now"/>, and gateway
    /// events written before <paramref name="before"/> (the retention). Returns how many rows went.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset now, DateTimeOffset before);

    /// <summary>Sets the user's display name (null clears it).</summary>
    Task SetDisplayNameAsync(string userId, string? displayName, DateTimeOffset now);

    /// <summary>
    /// Counts a failed sign-in for an address no account has (by its peppered hash), locking it like an account: the
    /// count restarts after a lock runs out. Returns the count.
    /// </summary>
    Task<long> RecordAddressFailureAsync(string addressHash, DateTimeOffset now, int maxAttempts, TimeSpan lockout);

    /// <summary>When the lock of an address no account has ends, or null when it is not locked.</summary>
    Task<DateTimeOffset?> AddressLockedUntilAsync(string addressHash, DateTimeOffset now);

    /// <summary>Stores a password-reset link's token by its hash.</summary>
    Task AddResetTokenAsync(string tokenHash, string userId, DateTimeOffset expires);

    /// <summary>Burns every unused reset link of a user (a newer request, or a changed password).</summary>
    Task RevokeResetTokensAsync(string userId, DateTimeOffset now);

    /// <summary>The user of an unused, unexpired reset token, or null.</summary>
    Task<string?> FindResetTokenUserAsync(string tokenHash, DateTimeOffset now);

    /// <summary>Uses a reset token once: the user, for exactly one caller; null when used, expired or unknown.</summary>
    Task<string?> UseResetTokenAsync(string tokenHash, DateTimeOffset now);

    /// <summary>Turns on the emailed-code second factor.</summary>
    Task EnableEmailMfaAsync(string userId, DateTimeOffset now);

    /// <summary>Stores an emailed code for a login, replacing any earlier code of that login (a resend).</summary>
    Task StoreEmailCodeAsync(string instanceId, string userId, string codeHash, DateTimeOffset expires);

    /// <summary>Uses an emailed code once, for the login it was sent for only.</summary>
    Task<bool> TryUseEmailCodeAsync(string instanceId, string codeHash, DateTimeOffset now);

    /// <summary>Writes an audit event. Never pass passwords, codes, secrets or tokens as detail.</summary>
    Task AuditAsync(string? userId, string eventName, string? detail, DateTimeOffset now);

    /// <summary>A user's audit events, oldest first (events without a user are listed for a null id).</summary>
    Task<IReadOnlyList<AuditEvent>> ListAuditAsync(string? userId);
}

/// <summary>What a code did to a sign-in's challenge.</summary>
public enum ChallengeResult
{
    /// <summary>The code is right: the challenge is used up.</summary>
    Valid,

    /// <summary>The code is wrong; tries are left.</summary>
    Invalid,

    /// <summary>No tries are left: used, expired, unknown, or the last try failed.</summary>
    Spent,
}

/// <summary>An event for the gateway: its id (the stream position), the user, the kind and a JSON payload.</summary>
public sealed record IdentityEvent(long Id, string UserId, string Kind, string Payload);
