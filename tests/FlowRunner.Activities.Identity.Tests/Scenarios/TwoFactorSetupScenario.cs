using Dapper;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Testing;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>flows/auth/2fa-setup.flow end to end (TOTP-06, TOTP-07, BC-01, BC-02), then a login with the new app and a backup code.</summary>
public sealed class TwoFactorSetupScenario
{
    [Fact]
    public async Task Setup_with_an_authenticator_app_then_login_with_it_and_with_a_backup_code()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var login = h.Load("auth/login.flow");
        var setup = h.Load("auth/2fa-setup.flow");
        string accessToken = (await h.LoginAsync(login, "ann@example.com", "correct horse battery")).Outputs["access_token"].GetString()!;

        RunResult run = await h.StartAsync(setup);
        Assert.Equal("n2", run.WaitingAt.Single().Node);
        run = await h.AnswerAsync(run, "n2", new { access_token = accessToken });
        Assert.False(run.Outputs["mfa_enabled"].GetBoolean());
        Assert.Equal("n3", run.WaitingAt.Single().Node);

        run = await h.AnswerAsync(run, "n3", new { method = "totp" });
        Assert.Equal("n4", run.WaitingAt.Single().Node);
        string base32 = run.Outputs["secret"].GetString()!;
        Assert.Equal(32, base32.Length);
        Assert.Equal($"otpauth://totp/FlowRunner:ann%40example.com?secret={base32}&issuer=FlowRunner&algorithm=SHA1&digits=6&period=30", run.Outputs["otpauth_uri"].GetString());
        Assert.StartsWith("<svg", run.Outputs["qr_svg"].GetString(), StringComparison.Ordinal);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], Convert.FromBase64String(run.Outputs["qr_png"].GetString()!)[..4]); // PNG signature
        Assert.False((await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None)).Outputs.ContainsKey("secret")); // shown once

        using (var db = h.Open())
        {
            string stored = db.QuerySingle<string>("SELECT secret FROM identity_totp_pending");
            Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain(base32, stored, StringComparison.Ordinal);
            Assert.Equal(0, db.ExecuteScalar<int>("SELECT mfa_enabled FROM identity_users")); // pending does nothing yet
        }

        run = await h.AnswerAsync(run, "n4", new { code = "000000" == OneTimePassword.Totp(OneTimePassword.FromBase32(base32)!, h.Time.GetUtcNow()) ? "111111" : "000000" });
        Assert.True(run.WaitingAt.Length == 1, $"{run.Status} {run.Incident?.Message} path {string.Join(",", run.Path)}");
        Assert.Equal(("n4", "invalid_code"), (run.WaitingAt.Single().Node, run.Outputs["error"].GetString()));

        string code = ExternalTool.Run("oathtool", "--totp", "--base32", "--now",
            h.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", base32);
        run = await h.AnswerAsync(run, "n4", new { code });
        Assert.True(run.WaitingAt.Length == 1, $"{run.Status} {run.Incident?.Message} path {string.Join(",", run.Path)}");
        Assert.Equal("n5", run.WaitingAt.Single().Node);
        string[] backupCodes = [.. run.Outputs["backup_codes"].EnumerateArray().Select(c => c.GetString()!)];
        Assert.Equal(10, backupCodes.Length);
        Assert.True(run.Outputs["mfa_enabled"].GetBoolean());
        run = await h.AnswerAsync(run, "n5", new { });
        run = await h.AnswerAsync(run, "n6", new { });
        Assert.Equal(InstanceStatus.Completed, run.Status);

        using (var db = h.Open())
        {
            Assert.Equal(10, db.ExecuteScalar<int>("SELECT COUNT(*) FROM identity_backup_codes WHERE used_at IS NULL"));
            Assert.DoesNotContain(backupCodes[0], string.Concat(db.Query<string>("SELECT code_hash FROM identity_backup_codes")), StringComparison.Ordinal);
            Assert.Equal(0, db.ExecuteScalar<int>("SELECT COUNT(*) FROM identity_totp_pending"));
        }

        // The set-up code's step is used up: the same code cannot also sign in.
        RunResult same = await h.AnswerAsync(await h.LoginAsync(login, "ann@example.com", "correct horse battery"), "n17", new { code });
        Assert.Equal(InstanceStatus.Waiting, same.Status);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        string next = OneTimePassword.Totp(OneTimePassword.FromBase32(base32)!, h.Time.GetUtcNow());
        RunResult withApp = await h.AnswerAsync(await h.LoginAsync(login, "ann@example.com", "correct horse battery"), "n17", new { code = next });
        Assert.Equal(InstanceStatus.Completed, withApp.Status);

        RunResult withBackup = await h.AnswerAsync(await h.LoginAsync(login, "ann@example.com", "correct horse battery"), "n17", new { code = backupCodes[3] });
        Assert.Equal(InstanceStatus.Completed, withBackup.Status);
        RunResult reused = await h.AnswerAsync(await h.LoginAsync(login, "ann@example.com", "correct horse battery"), "n17", new { code = backupCodes[3] });
        Assert.Equal(InstanceStatus.Waiting, reused.Status);
    }

    [Fact]
    public async Task Setup_refuses_an_invalid_access_token()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        RunResult run = await h.StartAsync(h.Load("auth/2fa-setup.flow"));
        run = await h.AnswerAsync(run, "n2", new { access_token = "not.a.token" });
        Assert.Equal(InstanceStatus.Faulted, run.Status);
        Assert.Contains("access token is not valid", run.Incident!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replacing_2fa_that_is_on_needs_a_current_code_and_tells_the_user()
    {
        // TOTP-07: an access token alone must not replace the authenticator and the backup codes.
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        (byte[] secret, _) = await h.EnableMfaAsync(userId);
        string accessToken = h.Services.Tokens(h.Time).IssueAccessToken(userId, "ann@example.com", "user");

        RunResult run = await h.AnswerAsync(await h.StartAsync(h.Load("auth/2fa-setup.flow")), "n2", new { access_token = accessToken });
        Assert.Equal("n8", run.WaitingAt.Single().Node); // no code: it waits for one
        run = await h.AnswerAsync(run, "n8", new { current_code = OneTimePassword.Totp(secret, h.Time.GetUtcNow()) == "000000" ? "111111" : "000000" });
        Assert.Equal("n8", run.WaitingAt.Single().Node);
        using (var db = h.Open())
        {
            Assert.Equal(1, db.ExecuteScalar<int>("SELECT failed_attempts FROM identity_users")); // a wrong code counts toward the lock
        }

        run = await h.AnswerAsync(run, "n8", new { current_code = OneTimePassword.Totp(secret, h.Time.GetUtcNow()) });
        Assert.Equal("n3", run.WaitingAt.Single().Node);
        run = await h.AnswerAsync(run, "n3", new { method = "totp" });
        byte[] replacement = OneTimePassword.FromBase32(run.Outputs["secret"].GetString()!)!;
        h.Time.Advance(TimeSpan.FromSeconds(30)); // the current code's step is used up; the new app's next code
        run = await h.AnswerAsync(run, "n4", new { code = OneTimePassword.Totp(replacement, h.Time.GetUtcNow()) });
        Assert.Equal("n5", run.WaitingAt.Single().Node);

        using var after = h.Open();
        Assert.Contains(after.Query<string>("SELECT payload FROM outbox WHERE kind = 'email.security-notice'"),
            notice => notice.Contains("Your authenticator was changed", StringComparison.Ordinal));
        Assert.Contains("2fa.replaced", after.Query<string>("SELECT event FROM identity_audit"));
    }
}
