using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>flows/auth/password-reset.flow: same answer either way, one-hour single-use token, email in the outbox (ENUM-03, SES-02).</summary>
public sealed class ResetScenario
{
    [Fact]
    public async Task Reset_answers_the_same_for_unknown_addresses_and_changes_the_password_once()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "old password here");
        var reset = h.Load("auth/password-reset.flow");
        var login = h.Load("auth/login.flow");
        string oldRefresh = (await h.LoginAsync(login, "ann@example.com", "old password here")).Outputs["refresh_token"].GetString()!;

        RunResult known = await h.AnswerAsync(await h.StartAsync(reset), "n2", new { email = "ann@example.com" });
        RunResult unknown = await h.AnswerAsync(await h.StartAsync(reset), "n2", new { email = "nobody@example.com" });
        Assert.Equal((known.Status, known.WaitingAt.Single().Node), (unknown.Status, unknown.WaitingAt.Single().Node));
        Assert.Equal(known.Outputs["message"].GetString(), unknown.Outputs["message"].GetString());

        using var db = h.Open();
        JsonElement email = Assert.Single(db.Query<string>("SELECT payload FROM outbox WHERE kind = 'email.password-reset'").Select(p => JsonDocument.Parse(p).RootElement));
        Assert.Equal("ann@example.com", email.GetProperty("to").GetString());
        string token = email.GetProperty("link").GetString()!.Split('/')[^1];
        Assert.DoesNotContain(token, string.Concat(db.Query<string>("SELECT token_hash FROM identity_reset_tokens")), StringComparison.Ordinal);

        RunResult run = await h.AnswerAsync(known, "n4", new { token });
        Assert.Equal("n5", run.WaitingAt.Single().Node);
        run = await h.AnswerAsync(run, "n5", new { password = new string('x', 80) }); // breaks the policy: asked again
        Assert.Equal("n5", run.WaitingAt.Single().Node);
        run = await h.AnswerAsync(run, "n5", new { password = "new password here" });
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal("n6", run.Path[^1]);

        Assert.Equal(InstanceStatus.Completed, (await h.LoginAsync(login, "ann@example.com", "new password here")).Status);
        Assert.Equal(InstanceStatus.Waiting, (await h.LoginAsync(login, "ann@example.com", "old password here")).Status);
        Assert.Equal(1, db.ExecuteScalar<int>("SELECT COUNT(*) FROM outbox WHERE kind = 'email.password-changed'"));
        // SES-02: the sessions from before the change are revoked.
        Assert.NotNull(db.ExecuteScalar<string?>("SELECT revoked_at FROM identity_refresh_tokens WHERE token_hash = @h", new { h = h.Services.Codes.HashCode(oldRefresh) }));

        RunResult again = await h.AnswerAsync(await h.AnswerAsync(await h.StartAsync(reset), "n2", new { email = "ann@example.com" }), "n4", new { token });
        Assert.Equal(("invalid_token", "n7"), (again.Outputs["error"].GetString(), again.Path[^1])); // single use
    }

    [Fact]
    public async Task A_newer_reset_request_burns_the_older_link()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "old password here");
        var reset = h.Load("auth/password-reset.flow");
        RunResult first = await h.AnswerAsync(await h.StartAsync(reset), "n2", new { email = "ann@example.com" });
        RunResult second = await h.AnswerAsync(await h.StartAsync(reset), "n2", new { email = "ann@example.com" });
        using var db = h.Open();
        string[] tokens = [.. db.Query<string>("SELECT payload FROM outbox WHERE kind = 'email.password-reset' ORDER BY rowid")
            .Select(p => JsonDocument.Parse(p).RootElement.GetProperty("link").GetString()!.Split('/')[^1])];
        Assert.Equal(2, tokens.Length);

        Assert.Equal("invalid_token", (await h.AnswerAsync(first, "n4", new { token = tokens[0] })).Outputs["error"].GetString());
        Assert.Equal("n5", (await h.AnswerAsync(second, "n4", new { token = tokens[1] })).WaitingAt.Single().Node);
    }

    [Fact]
    public async Task Reset_links_expire_after_an_hour()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "old password here");
        var reset = h.Load("auth/password-reset.flow");
        RunResult run = await h.AnswerAsync(await h.StartAsync(reset), "n2", new { email = "ann@example.com" });
        using var db = h.Open();
        string token = JsonDocument.Parse(db.QuerySingle<string>("SELECT payload FROM outbox")).RootElement.GetProperty("link").GetString()!.Split('/')[^1];
        h.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        run = await h.AnswerAsync(run, "n4", new { token });
        Assert.Equal("invalid_token", run.Outputs["error"].GetString());
    }
}
