using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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

        int port = FreePort();
        string root = RepoPaths.Root;
        var serveStart = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "flowrunner.dll"), "serve", Path.Combine(root, "flows"), "--db", db, "--urls", $"http://127.0.0.1:{port}" })
        {
            serveStart.ArgumentList.Add(argument);
        }

        serveStart.Environment["FLOWRUNNER_BCRYPT_COST"] = "4";
        using Process serve = Process.Start(serveStart)!;
        var serveLog = new System.Text.StringBuilder(); // drained as it comes, so a full pipe never blocks the server
        serve.OutputDataReceived += (_, e) => { lock (serveLog) { serveLog.AppendLine(e.Data); } };
        serve.ErrorDataReceived += (_, e) => { lock (serveLog) { serveLog.AppendLine(e.Data); } };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilHealthyAsync(client, serve, serveLog);

            var storyStart = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { Path.Combine(root, "samples", "auth-story.sh"), $"http://127.0.0.1:{port}", db })
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
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilHealthyAsync(HttpClient client, Process serve, System.Text.StringBuilder log)
    {
        for (int i = 0; i < 150; i++)
        {
            if (serve.HasExited)
            {
                Assert.Fail("flowrunner serve exited: " + log);
            }

            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("flowrunner serve did not become healthy");
    }
}
