using System.Diagnostics;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>samples/auth-story.sh against a real `flowrunner serve` child process: the README's story, as a newcomer runs it.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task The_auth_story_sample_runs_against_flowrunner_serve()
    {
        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "flowrunner.db");
        Assert.Equal(0, CliRunner.RunWithInput("correct horse battery staple\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", db).ExitCode);

        string root = RepoPaths.Root;
        await using ServeProcess serve = await ServeProcess.StartAsync(db);
        var storyStart = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(root, "samples", "auth-story.sh"), serve.Client.BaseAddress!.ToString().TrimEnd('/'), db })
        {
            storyStart.ArgumentList.Add(argument);
        }

        using Process story = Process.Start(storyStart)!;
        Task<string> output = story.StandardOutput.ReadToEndAsync();
        Task<string> error = story.StandardError.ReadToEndAsync();
        Assert.True(story.WaitForExit(60_000), "the sample did not finish");
        Assert.True(story.ExitCode == 0, await output + await error);
        string text = await output;
        Assert.Contains("the seed's auth story ran end to end", text, StringComparison.Ordinal);
        Assert.Contains("\"require_2fa\": true", text, StringComparison.Ordinal);
        Assert.Contains("\"backup_codes\": 10", text, StringComparison.Ordinal);
        Assert.Contains("\"valid\": true", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_story_sample_runs_against_flowrunner_serve()
    {
        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "flowrunner.db");
        await using ServeProcess serve = await ServeProcess.StartAsync(db);
        var storyStart = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(RepoPaths.Root, "samples", "gateway-story.sh"), serve.Client.BaseAddress!.ToString().TrimEnd('/'), serve.GrpcAddress.ToString().TrimEnd('/'), db })
        {
            storyStart.ArgumentList.Add(argument);
        }

        using Process story = Process.Start(storyStart)!;
        Task<string> output = story.StandardOutput.ReadToEndAsync();
        Task<string> error = story.StandardError.ReadToEndAsync();
        Assert.True(story.WaitForExit(180_000), "the sample did not finish");
        Assert.True(story.ExitCode == 0, await output + await error);
        string text = await output;
        Assert.Contains("the seed's gateway story ran end to end", text, StringComparison.Ordinal);
        Assert.Contains("event gateway.server_time (signed)", text, StringComparison.Ordinal);
        Assert.Contains("event user.profile.updated (signed): {", text, StringComparison.Ordinal);
        Assert.Contains("\"display_name\":\"Dev\"", text, StringComparison.Ordinal);
        Assert.Contains("refused: Unimplemented", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT SIGNED", text, StringComparison.Ordinal);
    }
}
