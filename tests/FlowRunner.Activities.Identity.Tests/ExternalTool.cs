using System.Diagnostics;

namespace FlowRunner.Activities.Identity.Tests;

/// <summary>Runs an independent peer implementation (oathtool, htpasswd) installed from Debian by .ci/run.</summary>
internal static class ExternalTool
{
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {process.StandardError.ReadToEnd()} (is it installed? .ci/run installs it)");
        return output.Trim();
    }
}
