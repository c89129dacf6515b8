using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Testing.Contracts;

/// <summary>
/// What every <see cref="IIdentityStore"/> must do, written once: a database's test class derives from this and says
/// how to create a fresh, migrated store with the identity pack registered. Races are run for real: each contender
/// uses its own unit of work.
/// </summary>
public abstract class IdentityStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh, migrated store on an empty database of its own, with the identity pack registered.</summary>
    protected abstract Task<IInstanceStore> CreateStoreAsync();

    [Fact]
    public async Task A_user_is_found_by_id_and_by_email_in_any_case_and_an_email_is_taken_once()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await InUnitAsync(store, users => users.CreateUserAsync(" Ann@Example.com ", "$2b$04$hash", "admin", Now));

        UserRecord byEmail = (await InUnitAsync(store, users => users.FindByEmailAsync("ANN@example.COM")))!;
        UserRecord byId = (await InUnitAsync(store, users => users.FindAsync(id)))!;
        Assert.Equal((id, "ann@example.com", "$2b$04$hash", "admin", 0L, 0L), (byEmail.Id, byEmail.Email, byEmail.PasswordHash, byEmail.Role, byEmail.FailedAttempts, byEmail.MfaEnabled));
        Assert.Equal(byEmail.Email, byId.Email);
        Assert.Null(await InUnitAsync(store, users => users.FindByEmailAsync("bob@example.com")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => InUnitAsync(store, users => users.CreateUserAsync("ann@example.com", "h", "user", Now)));
        await InUnitAsync(store, users => users.CreateUserAsync("bob@example.com", "h", "user", Now));
        Assert.Equal(["ann@example.com", "bob@example.com"], (await InUnitAsync(store, users => users.ListAsync())).Select(u => u.Email));
    }

    [Fact]
    public async Task Failures_lock_the_account_at_the_limit_until_reset_or_unlocked()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        for (int attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(attempt, await InUnitAsync(store, users => users.RecordFailureAsync(id, Now, 5, TimeSpan.FromMinutes(15))));
            Assert.False((await FindAsync(store, id)).IsLockedAt(Now));
        }

        Assert.Equal(5, await InUnitAsync(store, users => users.RecordFailureAsync(id, Now, 5, TimeSpan.FromMinutes(15))));
        UserRecord locked = await FindAsync(store, id);
        Assert.True(locked.IsLockedAt(Now.AddMinutes(14)));
        Assert.False(locked.IsLockedAt(Now.AddMinutes(15)));

        await InUnitAsync(store, users => users.ResetFailuresAsync(id, Now));
        Assert.Equal((0L, false), ((await FindAsync(store, id)).FailedAttempts, (await FindAsync(store, id)).IsLockedAt(Now)));

        await InUnitAsync(store, users => users.RecordFailureAsync(id, Now, 1, TimeSpan.FromMinutes(15)));
        Assert.True(await InUnitAsync(store, users => users.UnlockAsync("USER@example.com", Now)));
        Assert.False((await FindAsync(store, id)).IsLockedAt(Now));
        Assert.False(await InUnitAsync(store, users => users.UnlockAsync("nobody@example.com", Now)));
    }

    [Fact]
    public async Task A_lock_that_ran_out_does_not_renew_itself_on_the_next_mistake()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            await InUnitAsync(store, users => users.RecordFailureAsync(id, Now, 5, TimeSpan.FromMinutes(15)));
        }

        DateTimeOffset later = Now.AddMinutes(16);
        Assert.Equal(1, await InUnitAsync(store, users => users.RecordFailureAsync(id, later, 5, TimeSpan.FromMinutes(15))));
        Assert.False((await FindAsync(store, id)).IsLockedAt(later));
        for (int attempt = 2; attempt <= 5; attempt++)
        {
            Assert.Equal(attempt, await InUnitAsync(store, users => users.RecordFailureAsync(id, later, 5, TimeSpan.FromMinutes(15))));
        }

        Assert.True((await FindAsync(store, id)).IsLockedAt(later.AddMinutes(14)));
    }

    [Fact]
    public async Task Failures_of_an_address_no_account_has_lock_it_and_restart_after_the_lock()
    {
        IInstanceStore store = await CreateStoreAsync();
        TimeSpan lockout = TimeSpan.FromMinutes(15);
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Null(await InUnitAsync(store, users => users.AddressLockedUntilAsync("a1", Now)));
            Assert.Equal(attempt, await InUnitAsync(store, users => users.RecordAddressFailureAsync("a1", Now, 5, lockout)));
        }

        Assert.Equal(Now + lockout, await InUnitAsync(store, users => users.AddressLockedUntilAsync("a1", Now)));
        Assert.Null(await InUnitAsync(store, users => users.AddressLockedUntilAsync("a2", Now))); // per address
        Assert.Null(await InUnitAsync(store, users => users.AddressLockedUntilAsync("a1", Now + lockout)));
        Assert.Equal(1, await InUnitAsync(store, users => users.RecordAddressFailureAsync("a1", Now + lockout, 5, lockout)));
    }

    [Fact]
    public async Task Racing_failures_are_all_counted()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => InUnitAsync(store, users => users.RecordFailureAsync(id, Now, 100, TimeSpan.FromMinutes(15))))));
        Assert.Equal(8, (await FindAsync(store, id)).FailedAttempts);
    }

    [Fact]
    public async Task A_new_password_hash_replaces_the_old_one()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.SetPasswordHashAsync(id, "$2b$12$newer", Now));
        Assert.Equal("$2b$12$newer", (await FindAsync(store, id)).PasswordHash);
    }

    [Fact]
    public async Task A_pending_totp_secret_expires_and_activation_makes_it_the_user_s()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.SetPendingSecretAsync(id, "first", Now.AddMinutes(10)));
        await InUnitAsync(store, users => users.SetPendingSecretAsync(id, "second", Now.AddMinutes(10)));
        Assert.Equal("second", await InUnitAsync(store, users => users.GetPendingSecretAsync(id, Now.AddMinutes(9))));
        Assert.Null(await InUnitAsync(store, users => users.GetPendingSecretAsync(id, Now.AddMinutes(10))));

        await InUnitAsync(store, users => users.ActivateTotpAsync(id, "second", 1000, Now));
        UserRecord user = await FindAsync(store, id);
        Assert.Equal((1L, "second", 1000L), (user.MfaEnabled, user.TotpSecret, user.TotpLastStep));
        Assert.Null(await InUnitAsync(store, users => users.GetPendingSecretAsync(id, Now)));
    }

    [Fact]
    public async Task A_totp_step_is_accepted_once_and_only_after_the_last_one_used()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        Assert.True(await InUnitAsync(store, users => users.TryUseTotpStepAsync(id, 100)));
        Assert.False(await InUnitAsync(store, users => users.TryUseTotpStepAsync(id, 100)));
        Assert.False(await InUnitAsync(store, users => users.TryUseTotpStepAsync(id, 99)));
        Assert.True(await InUnitAsync(store, users => users.TryUseTotpStepAsync(id, 101)));
    }

    [Fact]
    public async Task Of_racing_uses_of_one_totp_step_exactly_one_wins()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        bool[] won = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => InUnitAsync(store, users => users.TryUseTotpStepAsync(id, 500)))));
        Assert.Single(won, w => w);
    }

    [Fact]
    public async Task Backup_codes_are_redeemed_once_and_a_new_set_replaces_the_old()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.ReplaceBackupCodesAsync(id, ["h1", "h2", "h3"], Now));
        Assert.Equal(3, await InUnitAsync(store, users => users.CountUnusedBackupCodesAsync(id)));
        Assert.True(await InUnitAsync(store, users => users.TryRedeemBackupCodeAsync(id, "h2", Now)));
        Assert.False(await InUnitAsync(store, users => users.TryRedeemBackupCodeAsync(id, "h2", Now)));
        Assert.False(await InUnitAsync(store, users => users.TryRedeemBackupCodeAsync(id, "unknown", Now)));
        Assert.Equal(2, await InUnitAsync(store, users => users.CountUnusedBackupCodesAsync(id)));

        await InUnitAsync(store, users => users.ReplaceBackupCodesAsync(id, ["h9"], Now));
        Assert.False(await InUnitAsync(store, users => users.TryRedeemBackupCodeAsync(id, "h1", Now)));
        Assert.Equal(1, await InUnitAsync(store, users => users.CountUnusedBackupCodesAsync(id)));
    }

    [Fact]
    public async Task Of_racing_redemptions_of_one_backup_code_exactly_one_wins()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.ReplaceBackupCodesAsync(id, ["code"], Now));
        bool[] won = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => InUnitAsync(store, users => users.TryRedeemBackupCodeAsync(id, "code", Now)))));
        Assert.Single(won, w => w);
    }

    [Fact]
    public async Task A_refresh_token_is_redeemed_once_and_then_seen_as_reused()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        string session = await InUnitAsync(store, users => users.CreateSessionAsync(id, Now, Now.AddDays(7)));
        await InUnitAsync(store, users => users.AddRefreshTokenAsync("t1", "family", session, id, Now, Now.AddDays(7)));

        Assert.Null(await InUnitAsync(store, users => users.FindUsedRefreshTokenAsync("t1")));
        RefreshTokenRecord redeemed = (await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("t1", Now.AddHours(1))))!;
        Assert.Equal(("family", session, id), (redeemed.FamilyId, redeemed.SessionId, redeemed.UserId));
        Assert.Equal(Now.AddDays(7), StoredTime.Parse(redeemed.ExpiresAt));
        Assert.Null(await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("t1", Now.AddHours(1))));
        Assert.Equal("family", (await InUnitAsync(store, users => users.FindUsedRefreshTokenAsync("t1")))!.FamilyId);
        Assert.Null(await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("unknown", Now)));
    }

    [Fact]
    public async Task An_expired_or_revoked_refresh_token_is_not_redeemed()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        string session = await InUnitAsync(store, users => users.CreateSessionAsync(id, Now, Now.AddDays(7)));
        await InUnitAsync(store, users => users.AddRefreshTokenAsync("old", "f1", session, id, Now, Now.AddDays(7)));
        await InUnitAsync(store, users => users.AddRefreshTokenAsync("newer", "f1", session, id, Now, Now.AddDays(7)));
        await InUnitAsync(store, users => users.AddRefreshTokenAsync("other", "f2", session, id, Now, Now.AddDays(7)));
        string mine = await CreateSessionAsync(store, id);
        await InUnitAsync(store, users => users.AddRefreshTokenAsync("mine", "f3", mine, id, Now, Now.AddDays(7)));

        Assert.Null(await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("old", Now.AddDays(7))));
        await InUnitAsync(store, users => users.RevokeFamilyAsync("f1", Now));
        Assert.Null(await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("newer", Now)));
        Assert.NotNull(await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("other", Now)));

        await InUnitAsync(store, users => users.RevokeUserSessionsAsync(id, Now));
        Assert.Null(await InUnitAsync(store, users => users.RedeemRefreshTokenAsync("mine", Now)));
    }

    [Fact]
    public async Task Of_racing_redemptions_of_one_refresh_token_exactly_one_wins()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        string session = await CreateSessionAsync(store, id);
        await InUnitAsync(store, users => users.AddRefreshTokenAsync("t", "f", session, id, Now, Now.AddDays(7)));
        RefreshTokenRecord?[] won = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => InUnitAsync(store, users => users.RedeemRefreshTokenAsync("t", Now)))));
        Assert.Single(won, w => w is not null);
    }

    [Fact]
    public async Task A_reset_link_works_once_and_not_after_it_expires()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.AddResetTokenAsync("r1", id, Now.AddHours(1)));
        await InUnitAsync(store, users => users.AddResetTokenAsync("r2", id, Now.AddHours(1)));

        Assert.Equal(id, await InUnitAsync(store, users => users.FindResetTokenUserAsync("r1", Now)));
        Assert.Null(await InUnitAsync(store, users => users.FindResetTokenUserAsync("r1", Now.AddHours(1))));
        Assert.Equal(id, await InUnitAsync(store, users => users.UseResetTokenAsync("r1", Now)));
        Assert.Null(await InUnitAsync(store, users => users.UseResetTokenAsync("r1", Now)));
        Assert.Null(await InUnitAsync(store, users => users.FindResetTokenUserAsync("r1", Now)));
        Assert.Null(await InUnitAsync(store, users => users.UseResetTokenAsync("r2", Now.AddHours(2))));
        Assert.Null(await InUnitAsync(store, users => users.UseResetTokenAsync("unknown", Now)));
    }

    [Fact]
    public async Task Revoking_a_user_s_reset_links_burns_every_unused_one_of_that_user_only()
    {
        IInstanceStore store = await CreateStoreAsync();
        string ann = await CreateUserAsync(store);
        string bob = await InUnitAsync(store, users => users.CreateUserAsync("bob@example.com", "h", "user", Now));
        await InUnitAsync(store, users => users.AddResetTokenAsync("a1", ann, Now.AddHours(1)));
        await InUnitAsync(store, users => users.AddResetTokenAsync("a2", ann, Now.AddHours(1)));
        await InUnitAsync(store, users => users.AddResetTokenAsync("b1", bob, Now.AddHours(1)));

        await InUnitAsync(store, users => users.RevokeResetTokensAsync(ann, Now));
        Assert.Null(await InUnitAsync(store, users => users.UseResetTokenAsync("a1", Now)));
        Assert.Null(await InUnitAsync(store, users => users.UseResetTokenAsync("a2", Now)));
        Assert.Equal(bob, await InUnitAsync(store, users => users.UseResetTokenAsync("b1", Now)));
    }

    [Fact]
    public async Task An_emailed_code_works_once_for_its_login_until_it_expires_or_is_resent()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.EnableEmailMfaAsync(id, Now));
        Assert.Equal((1L, "email"), ((await FindAsync(store, id)).MfaEnabled, (await FindAsync(store, id)).MfaMethod));

        await InUnitAsync(store, users => users.StoreEmailCodeAsync("login-1", id, "c1", Now.AddMinutes(10)));
        Assert.False(await InUnitAsync(store, users => users.TryUseEmailCodeAsync("login-2", "c1", Now)));
        Assert.True(await InUnitAsync(store, users => users.TryUseEmailCodeAsync("login-1", "c1", Now)));
        Assert.False(await InUnitAsync(store, users => users.TryUseEmailCodeAsync("login-1", "c1", Now)));

        await InUnitAsync(store, users => users.StoreEmailCodeAsync("login-3", id, "c3", Now.AddMinutes(10)));
        await InUnitAsync(store, users => users.StoreEmailCodeAsync("login-3", id, "c4", Now.AddMinutes(10)));
        Assert.False(await InUnitAsync(store, users => users.TryUseEmailCodeAsync("login-3", "c3", Now)));
        Assert.False(await InUnitAsync(store, users => users.TryUseEmailCodeAsync("login-3", "c4", Now.AddMinutes(10))));
        Assert.True(await InUnitAsync(store, users => users.TryUseEmailCodeAsync("login-3", "c4", Now.AddMinutes(9))));
    }

    [Fact]
    public async Task Audit_events_are_kept_in_order_per_user()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.AuditAsync(id, "login.wrong-password", "failed attempts: 1", Now));
        await InUnitAsync(store, users => users.AuditAsync(null, "login.unknown-user", null, Now.AddSeconds(1)));
        await InUnitAsync(store, users => users.AuditAsync(id, "login.lockout", null, Now.AddSeconds(2)));

        Assert.Equal(
            [new AuditEvent(Now, "login.wrong-password", "failed attempts: 1"), new AuditEvent(Now.AddSeconds(2), "login.lockout", null)],
            await InUnitAsync(store, users => users.ListAuditAsync(id)));
        Assert.Equal("login.unknown-user", Assert.Single(await InUnitAsync(store, users => users.ListAuditAsync(null))).Event);
    }

    [Fact]
    public async Task Writes_of_a_unit_not_committed_are_undone()
    {
        IInstanceStore store = await CreateStoreAsync();
        await using (IUnitOfWork work = await store.BeginWorkAsync(None))
        {
            await work.Store<IIdentityStore>().CreateUserAsync("ghost@example.com", "h", "user", Now);
        }

        Assert.Null(await InUnitAsync(store, users => users.FindByEmailAsync("ghost@example.com")));
    }

    [Fact]
    public async Task An_email_challenge_takes_the_right_code_once_and_five_wrong_ones_spend_it()
    {
        IInstanceStore store = await CreateStoreAsync();
        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("signin-1", "a@example.com", "right", Now.AddMinutes(10)));
        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("signin-2", "b@example.com", "right", Now.AddMinutes(10)));

        ChallengeResult first = await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin-1", "right", Now, 5));
        ChallengeResult again = await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin-1", "right", Now, 5));
        var wrong = new List<ChallengeResult>();
        for (int i = 0; i < 5; i++)
        {
            wrong.Add(await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin-2", "wrong", Now, 5)));
        }

        Assert.Equal(ChallengeResult.Valid, first);
        Assert.Equal(ChallengeResult.Spent, again);
        Assert.Equal([ChallengeResult.Invalid, ChallengeResult.Invalid, ChallengeResult.Invalid, ChallengeResult.Invalid, ChallengeResult.Spent], wrong);
        Assert.Equal(ChallengeResult.Spent, await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin-2", "right", Now, 5)));
        Assert.Equal(ChallengeResult.Spent, await InUnitAsync(store, users => users.TryEmailChallengeAsync("no-such-signin", "right", Now, 5)));
    }

    [Fact]
    public async Task An_email_challenge_expires_after_its_time_and_a_resend_replaces_it()
    {
        IInstanceStore store = await CreateStoreAsync();
        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("signin", "a@example.com", "old", Now.AddMinutes(10)));
        Assert.Equal(ChallengeResult.Spent, await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin", "old", Now.AddMinutes(10), 5)));

        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("signin", "a@example.com", "new", Now.AddMinutes(20)));
        Assert.Equal(ChallengeResult.Invalid, await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin", "old", Now.AddMinutes(11), 5)));
        Assert.Equal(ChallengeResult.Valid, await InUnitAsync(store, users => users.TryEmailChallengeAsync("signin", "new", Now.AddMinutes(11), 5)));
    }

    [Fact]
    public async Task Of_racing_right_codes_for_one_challenge_exactly_one_wins()
    {
        IInstanceStore store = await CreateStoreAsync();
        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("signin", "a@example.com", "right", Now.AddMinutes(10)));
        ChallengeResult[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => InUnitAsync(store, users => users.TryEmailChallengeAsync("signin", "right", Now, 5)))));
        Assert.Single(results, r => r == ChallengeResult.Valid);
    }

    [Fact]
    public async Task Device_sessions_are_listed_revoked_by_their_user_only_and_all_revoked_with_the_users_sessions()
    {
        IInstanceStore store = await CreateStoreAsync();
        string ann = await CreateUserAsync(store);
        string bob = await InUnitAsync(store, users => users.CreateUserAsync("bob@example.com", "$2b$04$hash", "user", Now));
        byte[] key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        string phone = await InUnitAsync(store, users => users.CreateDeviceSessionAsync(ann, key, Now));
        string laptop = await InUnitAsync(store, users => users.CreateDeviceSessionAsync(ann, key, Now.AddMinutes(1)));

        Assert.Equal([laptop, phone], (await InUnitAsync(store, users => users.ListDeviceSessionsAsync(ann))).Select(d => d.Id));
        Assert.Equal(key, (await InUnitAsync(store, users => users.FindDeviceSessionAsync(phone)))!.PublicKey);
        Assert.False(await InUnitAsync(store, users => users.RevokeDeviceSessionAsync(bob, phone, Now)));
        Assert.True(await InUnitAsync(store, users => users.RevokeDeviceSessionAsync(ann, phone, Now)));
        Assert.False(await InUnitAsync(store, users => users.RevokeDeviceSessionAsync(ann, phone, Now)));
        Assert.Equal("revoked", (await InUnitAsync(store, users => users.FindDeviceSessionAsync(phone)))!.Status);

        await InUnitAsync(store, users => users.RevokeUserSessionsAsync(ann, Now));
        Assert.Equal("revoked", (await InUnitAsync(store, users => users.FindDeviceSessionAsync(laptop)))!.Status);
        Assert.Null(await InUnitAsync(store, users => users.FindDeviceSessionAsync("no-such-session")));
    }

    [Fact]
    public async Task Pruning_drops_expired_challenges_and_codes_and_old_events_only()
    {
        IInstanceStore store = await CreateStoreAsync();
        string id = await CreateUserAsync(store);
        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("expired", "a@example.com", "h", Now.AddMinutes(-1)));
        await InUnitAsync(store, users => users.StoreEmailChallengeAsync("live", "a@example.com", "h", Now.AddMinutes(10)));
        await InUnitAsync(store, users => users.StoreEmailCodeAsync("old-login", id, "h", Now.AddMinutes(-1)));
        await InUnitAsync(store, users => users.AppendEventAsync(id, "user.profile.updated", "{}", Now.AddDays(-40)));
        await InUnitAsync(store, users => users.AppendEventAsync(id, "user.profile.updated", "{}", Now));

        int pruned = await InUnitAsync(store, users => users.PruneAsync(Now, Now.AddDays(-30)));

        Assert.Equal(3, pruned);
        Assert.Equal(ChallengeResult.Valid, await InUnitAsync(store, users => users.TryEmailChallengeAsync("live", "h", Now, 5)));
        Assert.Single(await InUnitAsync(store, users => users.ReadEventsAsync(0, 10)));
    }

    private static async Task<T> InUnitAsync<T>(IInstanceStore store, Func<IIdentityStore, Task<T>> action)
    {
        await using IUnitOfWork work = await store.BeginWorkAsync(None);
        T result = await action(work.Store<IIdentityStore>());
        await work.CommitAsync(None);
        return result;
    }

    private static async Task InUnitAsync(IInstanceStore store, Func<IIdentityStore, Task> action)
    {
        await using IUnitOfWork work = await store.BeginWorkAsync(None);
        await action(work.Store<IIdentityStore>());
        await work.CommitAsync(None);
    }

    private static Task<string> CreateUserAsync(IInstanceStore store) =>
        InUnitAsync(store, users => users.CreateUserAsync("user@example.com", "$2b$04$hash", "user", Now));

    private static Task<string> CreateSessionAsync(IInstanceStore store, string userId) =>
        InUnitAsync(store, users => users.CreateSessionAsync(userId, Now, Now.AddDays(7)));

    private static async Task<UserRecord> FindAsync(IInstanceStore store, string id) =>
        (await InUnitAsync(store, users => users.FindAsync(id)))!;
}
