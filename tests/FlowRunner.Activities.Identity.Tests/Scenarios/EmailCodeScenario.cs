using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>OOB-01: an emailed code, hashed, expiring, single use, bound to the login it was sent for; the email is in the outbox.</summary>
public sealed class EmailCodeScenario
{
    [Fact]
    public async Task Emailed_code_signs_in_once_and_only_for_its_own_login()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        string userId = await h.CreateUserAsync("ann@example.com", "correct horse battery");
        await h.InIdentityStoreAsync(users => users.EnableEmailMfaAsync(userId, h.Time.GetUtcNow()));

        var login = h.Load("auth/login.flow");
        RunResult first = await h.LoginAsync(login, "ann@example.com", "correct horse battery");
        RunResult second = await h.LoginAsync(login, "ann@example.com", "correct horse battery");
        Assert.Equal(("n17", "email"), (first.WaitingAt.Single().Node, first.Outputs["mfa_method"].GetString()));

        using var db = h.Open();
        string[] codes = [.. db.Query<string>("SELECT payload FROM outbox WHERE kind = 'email.sign-in-code' ORDER BY id")
            .Select(p => JsonDocument.Parse(p).RootElement.GetProperty("code").GetString()!)];
        Assert.Equal(2, codes.Length);
        Assert.All(codes, c => Assert.Matches("^[0-9]{6}$", c));
        Assert.DoesNotContain(codes[0], string.Concat(db.Query<string>("SELECT code_hash FROM identity_otp_codes")), StringComparison.Ordinal);

        // The second login's code does not work for the first login.
        Assert.Equal(InstanceStatus.Waiting, (await h.AnswerAsync(first, "n17", new { code = codes[1] })).Status);
        RunResult retry = await h.LoginAsync(login, "ann@example.com", "correct horse battery");
        string retryCode = JsonDocument.Parse(db.Query<string>("SELECT payload FROM outbox WHERE kind = 'email.sign-in-code' ORDER BY id DESC LIMIT 1").First()).RootElement.GetProperty("code").GetString()!;
        Assert.Equal(InstanceStatus.Completed, (await h.AnswerAsync(retry, "n17", new { code = retryCode })).Status);

        // Expired after 10 minutes.
        h.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(InstanceStatus.Waiting, (await h.AnswerAsync(second, "n17", new { code = codes[1] })).Status);
    }
}
