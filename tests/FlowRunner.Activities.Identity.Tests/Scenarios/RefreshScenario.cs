using Dapper;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>flows/auth/token-refresh.flow: rotation, reuse revokes the family, racing refreshes (RT-01, RT-02, RT-03).</summary>
public sealed class RefreshScenario
{
    [Fact]
    public async Task Each_refresh_rotates_and_a_reused_token_revokes_the_whole_family()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var refresh = h.Load("auth/token-refresh.flow");
        string first = (await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery")).Outputs["refresh_token"].GetString()!;

        RunResult rotated = await RefreshAsync(h, refresh, first);
        Assert.Equal(InstanceStatus.Completed, rotated.Status);
        Assert.Equal(["n1", "n2", "n7", "n8", "n9", "n10", "n3", "n4"], rotated.Path.ToArray());
        string second = rotated.Outputs["refresh_token"].GetString()!;
        Assert.NotEqual(first, second);
        Assert.True(h.Services.Tokens(h.Time).Validate(rotated.Outputs["access_token"].GetString()).IsValid);

        RunResult reuse = await RefreshAsync(h, refresh, first); // the old token again: a theft signal
        Assert.Equal(("invalid_grant", "n6"), (reuse.Outputs["error"].GetString(), reuse.Path[^1]));
        RunResult afterReuse = await RefreshAsync(h, refresh, second); // the legitimate client's current token dies too
        Assert.Equal("invalid_grant", afterReuse.Outputs["error"].GetString());
        using var db = h.Open();
        Assert.Contains("refresh.reuse", db.Query<string>("SELECT event FROM identity_audit"));
        Assert.Equal(0, db.ExecuteScalar<int>("SELECT COUNT(*) FROM identity_sessions WHERE revoked_at IS NULL"));
    }

    [Fact]
    public async Task Of_two_racing_refreshes_exactly_one_succeeds()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var refresh = h.Load("auth/token-refresh.flow");
        string token = (await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery")).Outputs["refresh_token"].GetString()!;
        RunResult a = await h.StartAsync(refresh);
        RunResult b = await h.StartAsync(refresh);
        RunResult[] results = await Task.WhenAll(
            Task.Run(() => h.AnswerAsync(a, "n2", new { refresh_token = token })),
            Task.Run(() => h.AnswerAsync(b, "n2", new { refresh_token = token })));
        Assert.Equal(1, results.Count(r => r.Outputs.ContainsKey("access_token")));
    }

    [Fact]
    public async Task Refresh_tokens_die_seven_days_after_the_login_even_when_rotated()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        await h.CreateUserAsync("ann@example.com", "correct horse battery");
        var refresh = h.Load("auth/token-refresh.flow");
        string token = (await h.LoginAsync(h.Load("auth/login.flow"), "ann@example.com", "correct horse battery")).Outputs["refresh_token"].GetString()!;
        h.Time.Advance(TimeSpan.FromDays(6));
        token = (await RefreshAsync(h, refresh, token)).Outputs["refresh_token"].GetString()!;
        h.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_grant", (await RefreshAsync(h, refresh, token)).Outputs["error"].GetString());
    }

    private static async Task<RunResult> RefreshAsync(IdentityHarness h, Engine.Binding.LoadedFlow flow, string token) =>
        await h.AnswerAsync(await h.StartAsync(flow), "n2", new { refresh_token = token });
}
