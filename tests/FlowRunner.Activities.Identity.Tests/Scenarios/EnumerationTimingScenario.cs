using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Cryptography;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>
/// ENUM-02: a login for an unknown address costs what a wrong password costs, because the lookup runs a dummy bcrypt
/// verify of the same cost. A ratio of medians in one run (bcrypt cost 8, so the hash dominates), not an absolute time.
/// </summary>
public sealed class EnumerationTimingScenario
{
    [Fact]
    public async Task Unknown_user_and_wrong_password_take_comparable_time()
    {
        await using IdentityHarness h = await IdentityHarness.CreateAsync();
        var services = new IdentityServices(new IdentityOptions
        {
            BcryptCost = 8,
            Jwt = new JwtOptions { Issuer = "i", Audience = "a", SigningKey = RandomNumberGenerator.GetBytes(32) },
            SecretKey = RandomNumberGenerator.GetBytes(32),
            Pepper = RandomNumberGenerator.GetBytes(32),
        });
        var catalog = new FlowCatalog(new ActivityRegistry().AddIdentity(services), h.Store);
        var runtime = new FlowRuntime(h.Store, catalog, h.Time);
        LoadedFlow login = catalog.Load(IdentityHarness.FlowsFolder, Path.Combine(IdentityHarness.FlowsFolder, "auth", "login.flow"));
        for (int i = 0; i < 30; i++)
        {
            await h.CreateUserAsync($"user{i}@example.com", "correct horse battery"); // hashed at cost 4 by the harness...
        }

        // ...so give them cost-8 hashes, as the dummy verify uses the configured cost.
        using (var db = h.Open())
        {
            string hash = services.Passwords.Hash("correct horse battery");
            Dapper.SqlMapper.Execute(db, "UPDATE identity_users SET password_hash = @hash", new { hash });
        }

        async Task<double> TimeAsync(string email)
        {
            RunResult run = await runtime.StartAsync(login.Flow!, login.Source, CancellationToken.None);
            long start = Stopwatch.GetTimestamp();
            RunResult answered = await runtime.ResumeAsync(run.InstanceId, "n2", IdentityHarnessInput(email), null, CancellationToken.None);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Assert.Equal("invalid_credentials", answered.Outputs["error"].GetString());
            return ms;
        }

        var unknown = new List<double>();
        var wrong = new List<double>();
        for (int i = 0; i < 30; i++)
        {
            unknown.Add(await TimeAsync($"nobody{i}@example.com"));
            wrong.Add(await TimeAsync($"user{i}@example.com"));
        }

        double ratio = Median(unknown) / Median(wrong);
        Assert.InRange(ratio, 0.7, 1.4);
    }

    private static ImmutableDictionary<string, System.Text.Json.JsonElement> IdentityHarnessInput(string email) =>
        System.Text.Json.JsonSerializer.SerializeToElement(new { email, password = "wrong password" })
            .EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
