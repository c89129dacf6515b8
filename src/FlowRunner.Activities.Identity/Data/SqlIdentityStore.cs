using System.Data.Common;
using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Postgres;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Activities.Identity.Data;

/// <summary>
/// The identity tables in SQL that SQLite and PostgreSQL both speak (each has its own migrations), inside the unit of
/// work's transaction. Every check-and-change that races (failed-attempt counting, TOTP one-time use, backup-code
/// redemption, refresh-token rotation, email challenges) is one conditional statement: atomic under SQLite's write
/// lock and under PostgreSQL's row locks alike.
/// </summary>
internal sealed class SqlIdentityStore(DbConnection connection, DbTransaction? transaction, Func<DbException, bool> isUniqueViolation) : IIdentityStore
{
    private const string UserColumns = """
        id AS Id, email AS Email, password_hash AS PasswordHash, role AS Role, failed_attempts AS FailedAttempts,
        locked_until AS LockedUntil, mfa_enabled AS MfaEnabled, totp_secret AS TotpSecret, totp_last_step AS TotpLastStep, mfa_method AS MfaMethod, created_at AS CreatedAt,
        display_name AS DisplayName
        """;

    private const string DeviceSessionColumns = "id AS Id, user_id AS UserId, public_key AS PublicKey, created_at AS CreatedAt, revoked_at AS RevokedAt";

    /// <summary>The identity pack's SQLite store and migrations, for <see cref="SqliteInstanceStore"/>.</summary>
    public static SqlitePackStore SqlitePack { get; } = SqlitePackStore.For<IIdentityStore>(
        unit => new SqlIdentityStore(unit.Connection, unit.Transaction, e => e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 }),
        MigrationScript.FromResources(typeof(SqlIdentityStore).Assembly, "identity"));

    /// <summary>The identity pack's PostgreSQL store and migrations, for <see cref="PostgresInstanceStore"/>.</summary>
    public static PostgresPackStore PostgresPack { get; } = PostgresPackStore.For<IIdentityStore>(
        unit => new SqlIdentityStore(unit.Connection, unit.Transaction, e => e.SqlState == "23505"),
        MigrationScript.FromResources(typeof(SqlIdentityStore).Assembly, "identity", "PostgresMigrations."));

    public async Task<string> CreateUserAsync(string email, string passwordHash, string role, DateTimeOffset now)
    {
        string id = RecordId.New();
        try
        {
            await connection.ExecuteAsync(
                "INSERT INTO identity_users (id, email, password_hash, role, created_at, updated_at) VALUES (@id, @email, @passwordHash, @role, @now, @now);",
                new { id, email = UserRecord.NormalizeEmail(email), passwordHash, role, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false);
        }
        catch (DbException e) when (isUniqueViolation(e))
        {
            throw new InvalidOperationException($"a user with email '{UserRecord.NormalizeEmail(email)}' already exists", e);
        }

        return id;
    }

    public Task<UserRecord?> FindByEmailAsync(string email) =>
        connection.QuerySingleOrDefaultAsync<UserRecord>(
            $"SELECT {UserColumns} FROM identity_users WHERE email = @email;", new { email = UserRecord.NormalizeEmail(email) }, transaction);

    public Task<UserRecord?> FindAsync(string id) =>
        connection.QuerySingleOrDefaultAsync<UserRecord>($"SELECT {UserColumns} FROM identity_users WHERE id = @id;", new { id }, transaction);

    public async Task<IReadOnlyList<UserRecord>> ListAsync() =>
        [.. await connection.QueryAsync<UserRecord>($"SELECT {UserColumns} FROM identity_users ORDER BY email;", transaction: transaction).ConfigureAwait(false)];

    /// <summary>Counts a failed attempt and locks the account when it reaches the limit; returns the new count.</summary>
    public Task<long> RecordFailureAsync(string userId, DateTimeOffset now, int maxAttempts, TimeSpan lockout) =>
        connection.ExecuteScalarAsync<long>(
            // After a lock has run out the count starts again, so one more mistake does not lock at once.
            """
            UPDATE identity_users
            SET failed_attempts = CASE WHEN locked_until <= @now THEN 1 ELSE failed_attempts + 1 END,
                locked_until = CASE
                    WHEN (CASE WHEN locked_until <= @now THEN 1 ELSE failed_attempts + 1 END) >= @maxAttempts THEN @lockedUntil
                    WHEN locked_until <= @now THEN NULL
                    ELSE locked_until END,
                updated_at = @now
            WHERE id = @userId
            RETURNING failed_attempts;
            """,
            new { userId, maxAttempts, lockedUntil = StoredTime.Format(now + lockout), now = StoredTime.Format(now) }, transaction);

    public Task<long> RecordAddressFailureAsync(string addressHash, DateTimeOffset now, int maxAttempts, TimeSpan lockout) =>
        connection.ExecuteScalarAsync<long>(
            // Rows of addresses quiet for a day go first: a flood of made-up addresses does not grow the table for ever.
            """
            DELETE FROM identity_address_failures WHERE updated_at < @dayAgo AND (locked_until IS NULL OR locked_until <= @now);
            INSERT INTO identity_address_failures AS f (address_hash, failed_attempts, locked_until, updated_at)
            VALUES (@addressHash, 1, CASE WHEN 1 >= @maxAttempts THEN @lockedUntil END, @now)
            ON CONFLICT (address_hash) DO UPDATE SET
                failed_attempts = CASE WHEN f.locked_until <= @now THEN 1 ELSE f.failed_attempts + 1 END,
                locked_until = CASE
                    WHEN (CASE WHEN f.locked_until <= @now THEN 1 ELSE f.failed_attempts + 1 END) >= @maxAttempts THEN @lockedUntil
                    WHEN f.locked_until <= @now THEN NULL
                    ELSE f.locked_until END,
                updated_at = @now
            RETURNING failed_attempts;
            """,
            new
            {
                addressHash,
                maxAttempts,
                lockedUntil = StoredTime.Format(now + lockout),
                now = StoredTime.Format(now),
                dayAgo = StoredTime.Format(now - TimeSpan.FromDays(1)),
            },
            transaction);

    public async Task<DateTimeOffset?> AddressLockedUntilAsync(string addressHash, DateTimeOffset now) =>
        await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT locked_until FROM identity_address_failures WHERE address_hash = @addressHash AND locked_until > @now;",
            new { addressHash, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false) is { } until
            ? StoredTime.Parse(until)
            : null;

    public Task ResetFailuresAsync(string userId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE identity_users SET failed_attempts = 0, locked_until = NULL, updated_at = @now WHERE id = @userId;",
            new { userId, now = StoredTime.Format(now) }, transaction);

    /// <summary>Lifts a lock and clears the counter; false when no user has the email.</summary>
    public async Task<bool> UnlockAsync(string email, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "UPDATE identity_users SET failed_attempts = 0, locked_until = NULL, updated_at = @now WHERE email = @email;",
            new { email = UserRecord.NormalizeEmail(email), now = StoredTime.Format(now) }, transaction).ConfigureAwait(false) == 1;

    public Task SetPasswordHashAsync(string userId, string hash, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE identity_users SET password_hash = @hash, updated_at = @now WHERE id = @userId;",
            new { userId, hash, now = StoredTime.Format(now) }, transaction);

    /// <summary>Accepts a TOTP step once: true only if it is later than every step used before (RFC 6238 §5.2).</summary>
    public async Task<bool> TryUseTotpStepAsync(string userId, long timeStep) =>
        await connection.ExecuteAsync(
            "UPDATE identity_users SET totp_last_step = @timeStep WHERE id = @userId AND (totp_last_step IS NULL OR totp_last_step < @timeStep);",
            new { userId, timeStep }, transaction).ConfigureAwait(false) == 1;

    public Task SetPendingSecretAsync(string userId, string protectedSecret, DateTimeOffset expires) =>
        connection.ExecuteAsync(
            "INSERT INTO identity_totp_pending (user_id, secret, expires_at) VALUES (@userId, @protectedSecret, @expires) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, expires_at = excluded.expires_at;",
            new { userId, protectedSecret, expires = StoredTime.Format(expires) }, transaction);

    /// <summary>The pending secret if it has not expired.</summary>
    public Task<string?> GetPendingSecretAsync(string userId, DateTimeOffset now) =>
        connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT secret FROM identity_totp_pending WHERE user_id = @userId AND expires_at > @now;",
            new { userId, now = StoredTime.Format(now) }, transaction);

    /// <summary>Turns the pending secret into the active one; the step that proved it is marked used.</summary>
    public async Task ActivateTotpAsync(string userId, string protectedSecret, long usedStep, DateTimeOffset now)
    {
        await connection.ExecuteAsync(
            """
            UPDATE identity_users SET mfa_enabled = 1, totp_secret = @protectedSecret, totp_last_step = @usedStep, updated_at = @now WHERE id = @userId;
            DELETE FROM identity_totp_pending WHERE user_id = @userId;
            """,
            new { userId, protectedSecret, usedStep, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false);
    }

    /// <summary>Replaces the whole set of backup codes (the previous set stops working).</summary>
    public async Task ReplaceBackupCodesAsync(string userId, IEnumerable<string> hashes, DateTimeOffset now)
    {
        await connection.ExecuteAsync("DELETE FROM identity_backup_codes WHERE user_id = @userId;", new { userId }, transaction).ConfigureAwait(false);
        foreach (string hash in hashes)
        {
            await connection.ExecuteAsync(
                "INSERT INTO identity_backup_codes (user_id, code_hash, created_at) VALUES (@userId, @hash, @now);",
                new { userId, hash, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false);
        }
    }

    /// <summary>Uses a backup code: true for exactly one caller, however many try it at once.</summary>
    public async Task<bool> TryRedeemBackupCodeAsync(string userId, string hash, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "UPDATE identity_backup_codes SET used_at = @now WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL;",
            new { userId, hash, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false) == 1;

    public Task<long> CountUnusedBackupCodesAsync(string userId) =>
        connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM identity_backup_codes WHERE user_id = @userId AND used_at IS NULL;", new { userId }, transaction);

    public async Task<string> CreateSessionAsync(string userId, DateTimeOffset now, DateTimeOffset expires)
    {
        string id = RecordId.New();
        await connection.ExecuteAsync(
            "INSERT INTO identity_sessions (id, user_id, created_at, expires_at) VALUES (@id, @userId, @now, @expires);",
            new { id, userId, now = StoredTime.Format(now), expires = StoredTime.Format(expires) }, transaction).ConfigureAwait(false);
        return id;
    }

    public Task AddRefreshTokenAsync(string tokenHash, string familyId, string sessionId, string userId, DateTimeOffset now, DateTimeOffset expires) =>
        connection.ExecuteAsync(
            "INSERT INTO identity_refresh_tokens (token_hash, family_id, session_id, user_id, issued_at, expires_at) VALUES (@tokenHash, @familyId, @sessionId, @userId, @now, @expires);",
            new { tokenHash, familyId, sessionId, userId, now = StoredTime.Format(now), expires = StoredTime.Format(expires) }, transaction);

    /// <summary>
    /// Uses a refresh token: marks it used and returns its family, session, user and absolute expiry, or null when it is
    /// unknown, used, revoked or expired. One statement, so of two racing refreshes exactly one gets the row.
    /// </summary>
    public Task<RefreshTokenRecord?> RedeemRefreshTokenAsync(string tokenHash, DateTimeOffset now) =>
        connection.QuerySingleOrDefaultAsync<RefreshTokenRecord>(
            """
            UPDATE identity_refresh_tokens SET used_at = @now
            WHERE token_hash = @tokenHash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > @now
            RETURNING family_id AS FamilyId, session_id AS SessionId, user_id AS UserId, expires_at AS ExpiresAt;
            """,
            new { tokenHash, now = StoredTime.Format(now) }, transaction);

    /// <summary>The family of a refresh token that was already used (a reuse), or null.</summary>
    public Task<RefreshTokenRecord?> FindUsedRefreshTokenAsync(string tokenHash) =>
        connection.QuerySingleOrDefaultAsync<RefreshTokenRecord>(
            "SELECT family_id AS FamilyId, session_id AS SessionId, user_id AS UserId, expires_at AS ExpiresAt FROM identity_refresh_tokens WHERE token_hash = @tokenHash AND used_at IS NOT NULL;",
            new { tokenHash }, transaction);

    /// <summary>Revokes every token of a family and its session (a stolen token was replayed).</summary>
    public Task RevokeFamilyAsync(string familyId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            """
            UPDATE identity_refresh_tokens SET revoked_at = @now WHERE family_id = @familyId AND revoked_at IS NULL;
            UPDATE identity_sessions SET revoked_at = @now
            WHERE revoked_at IS NULL AND id IN (SELECT session_id FROM identity_refresh_tokens WHERE family_id = @familyId);
            """,
            new { familyId, now = StoredTime.Format(now) }, transaction);

    /// <summary>Revokes every session, device session and refresh token of a user (password change).</summary>
    public Task RevokeUserSessionsAsync(string userId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            """
            UPDATE identity_refresh_tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL;
            UPDATE identity_sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL;
            UPDATE identity_device_sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL;
            INSERT INTO identity_events (user_id, kind, payload, created_at) VALUES (@userId, 'session.revoked_all', @payload, @now);
            """,
            new { userId, now = StoredTime.Format(now), payload = JsonSerializer.Serialize(new { user_id = userId }) }, transaction);

    public async Task<string> CreateDeviceSessionAsync(string userId, byte[] publicKey, DateTimeOffset now)
    {
        string id = RecordId.New();
        await connection.ExecuteAsync(
            "INSERT INTO identity_device_sessions (id, user_id, public_key, created_at) VALUES (@id, @userId, @publicKey, @now);",
            new { id, userId, publicKey, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false);
        return id;
    }

    public Task<DeviceSessionRecord?> FindDeviceSessionAsync(string id) =>
        connection.QuerySingleOrDefaultAsync<DeviceSessionRecord>(
            $"SELECT {DeviceSessionColumns} FROM identity_device_sessions WHERE id = @id;", new { id }, transaction);

    public async Task<IReadOnlyList<DeviceSessionRecord>> ListDeviceSessionsAsync(string userId) =>
        [.. await connection.QueryAsync<DeviceSessionRecord>(
            $"SELECT {DeviceSessionColumns} FROM identity_device_sessions WHERE user_id = @userId ORDER BY created_at DESC, id;",
            new { userId }, transaction).ConfigureAwait(false)];

    public async Task<bool> RevokeDeviceSessionAsync(string userId, string id, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "UPDATE identity_device_sessions SET revoked_at = @now WHERE id = @id AND user_id = @userId AND revoked_at IS NULL;",
            new { id, userId, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false) == 1;

    public Task StoreEmailChallengeAsync(string instanceId, string email, string codeHash, DateTimeOffset expires) =>
        connection.ExecuteAsync(
            """
            INSERT INTO identity_email_challenges (instance_id, email, code_hash, expires_at) VALUES (@instanceId, @email, @codeHash, @expires)
            ON CONFLICT (instance_id) DO UPDATE SET email = excluded.email, code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0, used_at = NULL;
            """,
            new { instanceId, email, codeHash, expires = StoredTime.Format(expires) }, transaction);

    public async Task<ChallengeResult> TryEmailChallengeAsync(string instanceId, string codeHash, DateTimeOffset now, int maxAttempts)
    {
        // One statement counts the try and uses the challenge when the code matches, so of racing tries one wins.
        Try? tried = await connection.QuerySingleOrDefaultAsync<Try>(
            """
            UPDATE identity_email_challenges
            SET attempts = attempts + 1, used_at = CASE WHEN code_hash = @codeHash THEN @now ELSE NULL END
            WHERE instance_id = @instanceId AND used_at IS NULL AND expires_at > @now AND attempts < @maxAttempts
            RETURNING CAST(CASE WHEN used_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS Used, CAST(attempts AS BIGINT) AS Attempts;
            """,
            new { instanceId, codeHash, now = StoredTime.Format(now), maxAttempts }, transaction).ConfigureAwait(false);
        return tried switch
        {
            null => ChallengeResult.Spent,
            { Used: 1 } => ChallengeResult.Valid,
            { Attempts: var a } when a >= maxAttempts => ChallengeResult.Spent,
            _ => ChallengeResult.Invalid,
        };
    }

    public Task AppendEventAsync(string userId, string kind, string payload, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "INSERT INTO identity_events (user_id, kind, payload, created_at) VALUES (@userId, @kind, @payload, @now);",
            new { userId, kind, payload, now = StoredTime.Format(now) }, transaction);

    public async Task<IReadOnlyList<IdentityEvent>> ReadEventsAsync(long afterId, int limit) =>
        [.. await connection.QueryAsync<IdentityEvent>(
            "SELECT id AS Id, user_id AS UserId, kind AS Kind, payload AS Payload FROM identity_events WHERE id > @afterId ORDER BY id LIMIT @limit;",
            new { afterId, limit }, transaction).ConfigureAwait(false)];

    public Task<long> LatestEventIdAsync() =>
        connection.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM identity_events;", transaction: transaction);

    public Task<int> PruneAsync(DateTimeOffset now, DateTimeOffset before) =>
        connection.ExecuteAsync(
            """
            DELETE FROM identity_otp_codes WHERE expires_at < @now;
            DELETE FROM identity_email_challenges WHERE expires_at < @now;
            DELETE FROM identity_events WHERE created_at < @before;
            """,
            new { now = StoredTime.Format(now), before = StoredTime.Format(before) }, transaction);

    public Task SetDisplayNameAsync(string userId, string? displayName, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE identity_users SET display_name = @displayName, updated_at = @now WHERE id = @userId;",
            new { userId, displayName, now = StoredTime.Format(now) }, transaction);

    public Task AddResetTokenAsync(string tokenHash, string userId, DateTimeOffset expires) =>
        connection.ExecuteAsync(
            "INSERT INTO identity_reset_tokens (token_hash, user_id, expires_at) VALUES (@tokenHash, @userId, @expires);",
            new { tokenHash, userId, expires = StoredTime.Format(expires) }, transaction);

    public Task RevokeResetTokensAsync(string userId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE identity_reset_tokens SET used_at = @now WHERE user_id = @userId AND used_at IS NULL;",
            new { userId, now = StoredTime.Format(now) }, transaction);

    /// <summary>The user of an unused, unexpired reset token, or null.</summary>
    public Task<string?> FindResetTokenUserAsync(string tokenHash, DateTimeOffset now) =>
        connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT user_id FROM identity_reset_tokens WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now;",
            new { tokenHash, now = StoredTime.Format(now) }, transaction);

    /// <summary>Uses a reset token once: the user, for exactly one caller; null when used, expired or unknown.</summary>
    public Task<string?> UseResetTokenAsync(string tokenHash, DateTimeOffset now) =>
        connection.QuerySingleOrDefaultAsync<string?>(
            "UPDATE identity_reset_tokens SET used_at = @now WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now RETURNING user_id;",
            new { tokenHash, now = StoredTime.Format(now) }, transaction);

    /// <summary>Turns on the emailed-code second factor.</summary>
    public Task EnableEmailMfaAsync(string userId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE identity_users SET mfa_enabled = 1, mfa_method = 'email', updated_at = @now WHERE id = @userId;",
            new { userId, now = StoredTime.Format(now) }, transaction);

    /// <summary>Stores an emailed code for a login, replacing any earlier code of that login (a resend).</summary>
    public Task StoreEmailCodeAsync(string instanceId, string userId, string codeHash, DateTimeOffset expires) =>
        connection.ExecuteAsync(
            """
            DELETE FROM identity_otp_codes WHERE instance_id = @instanceId;
            INSERT INTO identity_otp_codes (instance_id, user_id, code_hash, expires_at) VALUES (@instanceId, @userId, @codeHash, @expires);
            """,
            new { instanceId, userId, codeHash, expires = StoredTime.Format(expires) }, transaction);

    /// <summary>Uses an emailed code once, for the login it was sent for only.</summary>
    public async Task<bool> TryUseEmailCodeAsync(string instanceId, string codeHash, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "UPDATE identity_otp_codes SET used_at = @now WHERE instance_id = @instanceId AND code_hash = @codeHash AND used_at IS NULL AND expires_at > @now;",
            new { instanceId, codeHash, now = StoredTime.Format(now) }, transaction).ConfigureAwait(false) == 1;

    /// <summary>Writes an audit event. Never pass passwords, codes, secrets or tokens as detail.</summary>
    public Task AuditAsync(string? userId, string eventName, string? detail, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "INSERT INTO identity_audit (at, user_id, event, detail) VALUES (@now, @userId, @event, @detail);",
            new { now = StoredTime.Format(now), userId, @event = eventName, detail }, transaction);

    public async Task<IReadOnlyList<AuditEvent>> ListAuditAsync(string? userId)
    {
        var rows = await connection.QueryAsync<(string At, string Event, string? Detail)>(
            userId is null
                ? "SELECT at, event, detail FROM identity_audit WHERE user_id IS NULL ORDER BY id;"
                : "SELECT at, event, detail FROM identity_audit WHERE user_id = @userId ORDER BY id;",
            new { userId }, transaction).ConfigureAwait(false);
        return [.. rows.Select(r => new AuditEvent(StoredTime.Parse(r.At), r.Event, r.Detail))];
    }

    // A try at an email challenge: whether it used the challenge, and the tries so far.
    private sealed record Try(long Used, long Attempts);
}
