using System.Collections.Immutable;
using System.Text.Json;
using Dapper;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>LOCK-02, LOCK-03, LOCK-04, TOTP-03, TOTP-07 and BC-04 of the auth test matrix, on real SQLite with real races.</summary>
public sealed class ConcurrencyAndLockoutScenario
{
    [Fact]
    public async Task A_full_password_queue_refuses_the_login_and_faults_its_instance_instead_of_piling_up()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        using var services = new IdentityServices(FlowRunner.Testing.TestKeys.Identity() with { PasswordWorkers = 1, PasswordQueue = 0 });
        var catalog = new FlowCatalog(new ActivityRegistry().AddIdentity(services), h.Store);
        var runtime = new FlowRuntime(h.Store, catalog, h.Time);
        LoadedFlow login = catalog.Load(IdentityHarness.FlowsFolder, Path.Combine(IdentityHarness.FlowsFolder, "auth", "login.flow"));
        RunResult first = await runtime.StartAsync(login.Flow!, login.Source, CancellationToken.None);
        RunResult second = await runtime.StartAsync(login.Flow!, login.Source, CancellationToken.None);
        ImmutableDictionary<string, JsonElement> credentials = IdentityHarness.Input(new { email = "nobody@example.com", password = "guess" });

        // The only bcrypt worker is busy and nothing may queue: the login is refused, and its instance ends.
        using (await services.PasswordWorkAsync(CancellationToken.None))
        {
            ActivityBusyException busy = await Assert.ThrowsAsync<ActivityBusyException>(
                () => runtime.ResumeAsync(first.InstanceId, "n2", credentials, null, CancellationToken.None));
            Assert.True(busy.RetryAfter > TimeSpan.Zero);
        }

        RunResult refused = await runtime.GetResultAsync(first.InstanceId, CancellationToken.None);
        Assert.Equal((InstanceStatus.Faulted, IncidentCode.Busy), (refused.Status, refused.Incident!.Code)); // nothing is left half-run
        RunResult answered = await runtime.ResumeAsync(second.InstanceId, "n2", credentials, null, CancellationToken.None);
        Assert.Equal("invalid_credentials", answered.Outputs["error"].GetString()); // the worker is free again
    }

    [Fact]
    public async Task Fifty_racing_wrong_passwords_count_exactly_as_serial_ones_would()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var login = h.Load("auth/login.flow");
        var waiting = new List<RunResult>();
        for (int i = 0; i < 50; i++)
        {
            waiting.Add(await h.StartAsync(login));
        }

        await Task.WhenAll(waiting.Select(run => Task.Run(async () =>
        {
            try
            {
                await h.AnswerAsync(run, "n2", new { email = "ann@example.com", password = "wrong password" });
            }
            catch (ActivityBusyException)
            {
                // locked by the ones before: refused without counting
            }
        })));
        using var db = h.Open();
        (long failed, string? lockedUntil) = db.QuerySingle<(long, string?)>("SELECT failed_attempts, locked_until FROM identity_users");
        Assert.Equal(5, failed); // serial execution: 5 failures lock; attempts on a locked account are refused without counting
        Assert.NotNull(lockedUntil);
    }

    [Fact]
    public async Task Twenty_racing_correct_passwords_on_a_locked_account_all_fail()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var login = h.Load("auth/login.flow");
        for (int i = 0; i < 5; i++)
        {
            await h.LoginAsync(login, "ann@example.com", "wrong " + i);
        }

        var waiting = new List<RunResult>();
        for (int i = 0; i < 20; i++)
        {
            waiting.Add(await h.StartAsync(login));
        }

        Task<RunResult>[] answers = [.. waiting.Select(run => Task.Run(() => h.AnswerAsync(run, "n2", new { email = "ann@example.com", password = "correct horse battery" })))];
        await Assert.ThrowsAsync<ActivityBusyException>(() => Task.WhenAll(answers));
        Assert.All(answers, answer => Assert.IsType<ActivityBusyException>(answer.Exception?.InnerException)); // every one refused: none signed in
    }

    [Fact]
    public async Task Wrong_codes_count_toward_the_same_lockout()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (byte[] secret, _) = await h.EnableMfaAsync(userId);
        var login = h.Load("auth/login.flow");
        for (int i = 0; i < 5; i++)
        {
            RunResult run = await h.LoginAsync(login, "ann@example.com", "correct horse battery");
            await h.AnswerAsync(run, "n17", new { code = "000000" == OneTimePassword.Totp(secret, h.Time.GetUtcNow()) ? "111111" : "000000" });
        }

        await Assert.ThrowsAsync<ActivityBusyException>(() => h.LoginAsync(login, "ann@example.com", "correct horse battery")); // locked
    }

    [Fact]
    public async Task Ten_racing_submissions_of_one_totp_code_give_exactly_one_login()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (byte[] secret, _) = await h.EnableMfaAsync(userId);
        var login = h.Load("auth/login.flow");
        var waiting = new List<RunResult>();
        for (int i = 0; i < 10; i++)
        {
            waiting.Add(await h.LoginAsync(login, "ann@example.com", "correct horse battery"));
        }

        string code = OneTimePassword.Totp(secret, h.Time.GetUtcNow());
        RunResult[] results = await Task.WhenAll(waiting.Select(run => Task.Run(() => h.AnswerAsync(run, "n17", new { code }))));
        Assert.Equal(1, results.Count(r => r.Status == InstanceStatus.Completed));
    }

    [Fact]
    public async Task A_pending_secret_expires_unproven()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        string token = (await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery")).Outputs["access_token"].GetString()!;
        var setup = h.Load("auth/2fa-setup.flow");
        RunResult run = await h.AnswerAsync(await h.AnswerAsync(await h.StartAsync(setup), "n2", new { access_token = token }), "n3", new { method = "totp" });
        byte[] secret = OneTimePassword.FromBase32(run.Outputs["secret"].GetString()!)!;
        h.Time.Advance(TimeSpan.FromMinutes(11));
        run = await h.AnswerAsync(run, "n4", new { code = OneTimePassword.Totp(secret, h.Time.GetUtcNow()) });
        Assert.Equal(("n4", "invalid_code"), (run.WaitingAt.Single().Node, run.Outputs["error"].GetString()));
        using var db = h.Open();
        Assert.Equal(0, db.ExecuteScalar<int>("SELECT mfa_enabled FROM identity_users"));
    }

    [Fact]
    public async Task Regenerating_backup_codes_invalidates_the_previous_set()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (_, IReadOnlyList<string> oldCodes) = await h.EnableMfaAsync(userId);
        (_, IReadOnlyList<string> newCodes) = await h.EnableMfaAsync(userId);
        var login = h.Load("auth/login.flow");
        Assert.Equal(InstanceStatus.Waiting, (await h.AnswerAsync(await h.LoginAsync(login, "ann@example.com", "correct horse battery"), "n17", new { code = oldCodes[0] })).Status);
        Assert.Equal(InstanceStatus.Completed, (await h.AnswerAsync(await h.LoginAsync(login, "ann@example.com", "correct horse battery"), "n17", new { code = newCodes[0] })).Status);
    }
}
