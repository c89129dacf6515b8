using System.Diagnostics;

namespace FlowRunner.Testing;

/// <summary>
/// Runs a program nobody here wrote: a peer implementation (oathtool, htpasswd, installed from Debian by .ci/run) or an
/// outside validator (<see cref="OutsideValidators"/>).
/// </summary>
public static class ExternalTool
{
    /// <summary>Runs <paramref name="tool"/> and returns its trimmed standard output; fails the test unless it exits 0.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        (int exitCode, string output, string error) = Start(tool, arguments);
        Assert.True(exitCode == 0, $"{tool} failed ({exitCode}): {error}{output} (is it installed? .ci/run installs it)");
        return output.Trim();
    }

    /// <summary>
    /// Runs <paramref name="tool"/> in <paramref name="workingDirectory"/> (or here), with <paramref name="environment"/>
    /// added to this process's variables, and returns its exit code and both streams.
    /// </summary>
    public static (int ExitCode, string Output, string Error) Start(string tool, string[] arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        Task<string> error = process.StandardError.ReadToEndAsync(); // both streams at once, so neither pipe fills up
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
