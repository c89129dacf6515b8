using Dapper;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Testing;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>flows/auth/login.flow end to end on the real operations (matrix rows PW, ENUM, LOCK, TOTP, BC, JWT).</summary>
public sealed class LoginScenario
{
    [Fact]
    public async Task Login_without_mfa_gives_an_access_token_that_validates()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("Ann@Example.com", "correct horse battery");
        RunResult run = await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery");
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(["n1", "n2", "n3", "n7", "n8", "n9", "n10", "n12", "n13", "n15", "n4", "n5", "n6"], run.Path.ToArray());
        Assert.Equal("Bearer", run.Outputs["token_type"].GetString());
        Assert.Equal(3600, run.Outputs["expires_in"].GetInt64());
        Assert.False(run.Outputs.ContainsKey("error"));
        var validation = h.Services.Tokens(h.Time).Validate(run.Outputs["access_token"].GetString());
        Assert.True(validation.IsValid, validation.Error);
        Assert.Equal(userId, validation.Subject);
        Assert.Equal("ann@example.com", validation.Claims["email"].GetString());
        using var db = h.Open();
        Assert.Equal(1, db.ExecuteScalar<int>("SELECT COUNT(*) FROM identity_refresh_tokens WHERE user_id = @userId", new { userId }));
        Assert.DoesNotContain(run.Outputs["refresh_token"].GetString(), db.Query<string>("SELECT token_hash FROM identity_refresh_tokens"));

        // Tokens are delivered to this caller only: not in the database, and not in the instance read back later.
        string files = string.Concat(new[] { h.Store.Path, h.Store.Path + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.Latin1.GetString(ReadShared(f))));
        Assert.DoesNotContain(run.Outputs["refresh_token"].GetString()!, files, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Outputs["access_token"].GetString()!.Split('.')[2], files, StringComparison.Ordinal);
        RunResult later = await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None);
        Assert.False(later.Outputs.ContainsKey("access_token"));
        Assert.Equal("Bearer", later.Outputs["token_type"].GetString());
    }

    [Fact]
    public async Task Unknown_user_and_wrong_password_get_the_same_answer_and_nothing_secret_is_stored()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var flow = h.Load("auth/login.flow");
        RunResult unknown = await h.LoginAsync(flow, "nobody@example.com", "whatever it is");
        RunResult wrong = await h.LoginAsync(flow, "ann@example.com", "wrong password!");
        Assert.Equal((unknown.Status, unknown.WaitingAt.Single().Node), (wrong.Status, wrong.WaitingAt.Single().Node));
        Assert.Equal(unknown.Outputs["error"].GetString(), wrong.Outputs["error"].GetString());
        Assert.Equal(unknown.Outputs["error_description"].GetString(), wrong.Outputs["error_description"].GetString());
        Assert.Equal("n2", wrong.WaitingAt.Single().Node); // asked again

        string files = string.Concat(new[] { h.Store.Path, h.Store.Path + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.Latin1.GetString(ReadShared(f))));
        Assert.DoesNotContain("wrong password!", files, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse battery", files, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var flow = h.Load("auth/login.flow");
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("invalid_credentials", (await h.LoginAsync(flow, "ann@example.com", "wrong " + i)).Outputs["error"].GetString());
        }

        // Locked: refused whatever the password, told when to retry (a host answers 429 with Retry-After).
        ActivityBusyException locked = await Assert.ThrowsAsync<ActivityBusyException>(() => h.LoginAsync(flow, "ann@example.com", "correct horse battery"));
        Assert.Equal(TimeSpan.FromMinutes(15), locked.RetryAfter);
        h.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), (await Assert.ThrowsAsync<ActivityBusyException>(() => h.LoginAsync(flow, "ann@example.com", "correct horse battery"))).RetryAfter);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(InstanceStatus.Completed, (await h.LoginAsync(flow, "ann@example.com", "correct horse battery")).Status);
        using var db = h.Open();
        Assert.Contains("login.lockout", db.Query<string>("SELECT event FROM identity_audit"));
    }

    [Fact]
    public async Task A_locked_unknown_address_is_refused_as_a_locked_account_is()
    {
        // Issue 13 §3: failures count per address whether or not an account has it, and the refusal is the same.
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var flow = h.Load("auth/login.flow");
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("invalid_credentials", (await h.LoginAsync(flow, "ann@example.com", "wrong " + i)).Outputs["error"].GetString());
            Assert.Equal("invalid_credentials", (await h.LoginAsync(flow, "nobody@example.com", "wrong " + i)).Outputs["error"].GetString());
        }

        ActivityBusyException known = await Assert.ThrowsAsync<ActivityBusyException>(() => h.LoginAsync(flow, "ann@example.com", "correct horse battery"));
        ActivityBusyException unknown = await Assert.ThrowsAsync<ActivityBusyException>(() => h.LoginAsync(flow, "nobody@example.com", "any"));
        Assert.Equal((known.Message, known.RetryAfter), (unknown.Message, unknown.RetryAfter));
        using var db = h.Open();
        Assert.DoesNotContain("nobody", string.Concat(db.Query<string>("SELECT address_hash FROM identity_address_failures")), StringComparison.Ordinal);

        h.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("invalid_credentials", (await h.LoginAsync(flow, "nobody@example.com", "again")).Outputs["error"].GetString()); // the count restarts
    }

    [Fact]
    public async Task Login_with_totp_and_a_replayed_code_is_refused()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (byte[] secret, _) = await h.EnableMfaAsync(userId);
        var flow = h.Load("auth/login.flow");

        RunResult run = await h.LoginAsync(flow, "ann@example.com", "correct horse battery");
        Assert.Equal("n17", run.WaitingAt.Single().Node);
        Assert.Equal("code", run.WaitingAt.Single().Expects.Fields["code"].Type);
        Assert.True(run.Outputs["mfa_required"].GetBoolean());
        string code = OneTimePassword.Totp(secret, h.Time.GetUtcNow());
        string peer = ExternalTool.Run("oathtool", "--totp", "--base32", "--now",
            h.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", OneTimePassword.ToBase32(secret));
        Assert.Equal(peer, code);
        run = await h.AnswerAsync(run, "n17", new { code });
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.True(h.Services.Tokens(h.Time).Validate(run.Outputs["access_token"].GetString()).IsValid);

        RunResult replay = await h.LoginAsync(flow, "ann@example.com", "correct horse battery");
        replay = await h.AnswerAsync(replay, "n17", new { code });
        Assert.Equal(InstanceStatus.Waiting, replay.Status);
        Assert.Equal("invalid_code", replay.Outputs["error"].GetString());
        using var db = h.Open();
        Assert.Contains("mfa.totp-replay", db.Query<string>("SELECT event FROM identity_audit"));
        Assert.Contains("used twice", db.QuerySingle<string>("SELECT payload FROM outbox WHERE kind = 'email.security-notice'"), StringComparison.Ordinal); // TOTP-04
    }

    [Fact]
    public async Task A_sign_in_waiting_for_its_second_factor_ends_after_five_minutes()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (byte[] secret, _) = await h.EnableMfaAsync(userId);
        RunResult run = await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery");
        Assert.Equal("n17", run.WaitingAt.Single().Node);

        h.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await h.Runtime.FireDueTimersAsync(CancellationToken.None));

        RunResult ended = await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None);
        Assert.Equal((InstanceStatus.Faulted, IncidentCode.Deadline), (ended.Status, ended.Incident!.Code));
        await Assert.ThrowsAsync<NotWaitingException>(() => h.AnswerAsync(run, "n17", new { code = OneTimePassword.Totp(secret, h.Time.GetUtcNow()) }));
    }

    [Fact]
    public async Task An_abandoned_sign_in_ends_after_fifteen_minutes_instead_of_waiting_for_ever()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        RunResult failed = await h.LoginAsync(h.Load("auth/login.flow"), "nobody@example.com", "wrong");
        Assert.Equal("n2", failed.WaitingAt.Single().Node); // the login route answered 401; nobody comes back

        h.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await h.Runtime.FireDueTimersAsync(CancellationToken.None));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await h.Runtime.FireDueTimersAsync(CancellationToken.None));

        RunResult ended = await h.Runtime.GetResultAsync(failed.InstanceId, CancellationToken.None);
        Assert.Equal((InstanceStatus.Faulted, IncidentCode.Deadline), (ended.Status, ended.Incident!.Code)); // finished: retention prunes it
    }

    [Fact]
    public async Task A_password_change_ends_the_sign_ins_that_wait_for_a_second_factor()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (byte[] secret, _) = await h.EnableMfaAsync(userId);
        RunResult run = await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery");

        await h.InIdentityStoreAsync(store => store.SetPasswordHashAsync(userId, h.Services.HashPassword("a brand new password"), h.Time.GetUtcNow()));
        RunResult answered = await h.AnswerAsync(run, "n17", new { code = OneTimePassword.Totp(secret, h.Time.GetUtcNow()) });

        Assert.Equal(InstanceStatus.Faulted, answered.Status);
        Assert.Contains("password changed", answered.Incident!.Message, StringComparison.Ordinal);
        Assert.False(answered.Outputs.ContainsKey("access_token"));
    }

    [Fact]
    public async Task Backup_code_works_once_even_when_twenty_logins_try_it_at_once()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (_, IReadOnlyList<string> codes) = await h.EnableMfaAsync(userId);
        var flow = h.Load("auth/login.flow");

        RunResult first = await h.LoginAsync(flow, "ann@example.com", "correct horse battery");
        Assert.Equal(InstanceStatus.Completed, (await h.AnswerAsync(first, "n17", new { code = codes[0].ToLowerInvariant() })).Status);
        RunResult again = await h.LoginAsync(flow, "ann@example.com", "correct horse battery");
        Assert.Equal(InstanceStatus.Waiting, (await h.AnswerAsync(again, "n17", new { code = codes[0] })).Status);

        var waiting = new List<RunResult>();
        for (int i = 0; i < 20; i++)
        {
            waiting.Add(await h.LoginAsync(flow, "ann@example.com", "correct horse battery"));
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        RunResult[] results = await Task.WhenAll(waiting.Select(run => Task.Run(() => h.AnswerAsync(run, "n17", new { code = codes[1] }))));
        Assert.Equal(1, results.Count(r => r.Status == InstanceStatus.Completed));
        using var db = h.Open();
        Assert.Equal(8, db.ExecuteScalar<int>("SELECT COUNT(*) FROM identity_backup_codes WHERE used_at IS NULL"));
        // BC-04: each use is told to the user by email (outbox), with how many codes remain.
        string[] notices = [.. db.Query<string>("SELECT payload FROM outbox WHERE kind = 'email.security-notice'")];
        Assert.Equal(2, notices.Length);
        Assert.Contains("8 remain", notices[^1], StringComparison.Ordinal);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
