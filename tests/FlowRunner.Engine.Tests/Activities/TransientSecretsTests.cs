using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Testing;

namespace FlowRunner.Engine.Tests.Activities;

/// <summary>Secret answers live in memory only, and not for long: they expire, are swept, are capped, and go when asked again.</summary>
public sealed class TransientSecretsTests
{
    private static KeyValuePair<string, JsonElement>[] Password(string value) => [KeyValuePair.Create("password", JsonSerializer.SerializeToElement(value))];

    [Fact]
    public void Expired_secrets_are_swept_from_memory()
    {
        var time = new ManualTimeProvider();
        var secrets = new TransientSecrets(time, TimeSpan.FromMinutes(10));
        secrets.Put("a", Password("one"));
        secrets.Put("b", Password("two"));

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        secrets.Sweep();

        Assert.Equal(0, secrets.Count);
    }

    [Fact]
    public void Past_the_capacity_the_secrets_closest_to_expiry_go_first()
    {
        var time = new ManualTimeProvider();
        var secrets = new TransientSecrets(time, TimeSpan.FromMinutes(10), capacity: 3);
        foreach (string id in new[] { "a", "b", "c", "d", "e" })
        {
            secrets.Put(id, Password(id));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, secrets.Count);
        Assert.Equal([null, null, "c", "d", "e"], new[] { "a", "b", "c", "d", "e" }.Select(id => secrets.Get(id, "password")?.GetString()));
    }

    [Fact]
    public async Task A_wait_that_asks_again_forgets_the_earlier_secret_answer()
    {
        const string Flow = """
            Main { # Main
            n1: circle label:"Start"
            n2: rectangle label:"Ask for code"
            n3: diamond label:"Code ok?"
            n4: circle label:"End"
            n1.handle(right) -> n2.handle(left)
            n2.handle(right) -> n3.handle(left)
            n3.handle(right) -> n4.handle(left) [label="Yes"]
            n3.handle(bottom) -> n2.handle(bottom) [label="No"]
            }
            """;
        await using EngineHarness h = await EngineHarness.CreateAsync();
        RunResult run = await h.StartAsync(h.Load("ask", Flow));

        RunResult again = await h.ResumeAsync(run, "n2", new { code = "000000" });

        Assert.Equal(InstanceStatus.Waiting, again.Status);
        Assert.Equal("n2", Assert.Single(again.WaitingAt).Node);
        Assert.Null(h.Runtime.Secrets.Get(again.InstanceId, "code")); // the wrong code is not kept while the wait asks again
    }
}
