using System.Diagnostics;
using System.Globalization;
using FlowRunner.Testing;

namespace FlowRunner.Benchmarks;

/// <summary>
/// What a CI job feels: <c>flowrunner validate flows/auth/login.flow</c> as a whole process from the installed tool (this
/// tree packed with <c>dotnet pack</c> and installed into a temporary tool path, as a user installs it), against
/// <c>flowrunner --version</c> (runtime start and command line only) in the same run, interleaved.
/// Target (issue 14): at most 3x.
/// </summary>
internal static class ColdStartBenchmark
{
    private const int Runs = 11;

    public static int Run()
    {
        using var temp = new TempFolder("flowrunner-cold-");
        string packages = Path.Combine(temp.Path, "packages");
        string tools = Path.Combine(temp.Path, "tools");
        Console.Error.WriteLine("cold start: packing and installing the tool...");
        ExternalTool.Run("dotnet", "pack", Path.Combine(RepoPaths.Root, "src", "FlowRunner.Cli"), "-c", "Release", "-o", packages);
        var (code, output, error) = ExternalTool.Start("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "FlowRunner.Cli"],
            temp.Path, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(temp.Path, "nuget") }); // this pack, not a cached one
        if (code != 0)
        {
            Console.Error.WriteLine($"installing the tool failed: {error}{output}");
            return 1;
        }

        ExternalTool.Start("dotnet", ["build-server", "shutdown"]); // the compiler servers the pack left would take CPU from the timings
        string exe = Path.Combine(tools, OperatingSystem.IsWindows() ? "flowrunner.exe" : "flowrunner");
        string[] version = ["--version"];
        string[] validate = ["validate", Path.Combine("flows", "auth", "login.flow")];
        RunOnce(exe, version); // the first process also reads the files from disk
        RunOnce(exe, validate);
        var versionTimes = new List<double>();
        var validateTimes = new List<double>();
        using (var progress = Benchmark.Progress())
        {
            for (int i = 0; i < Runs; i++)
            {
                progress.Report($"cold start: run {i + 1}/{Runs}");
                versionTimes.Add(RunOnce(exe, version));
                validateTimes.Add(RunOnce(exe, validate));
            }
        }

        double v = Median(versionTimes);
        double check = Median(validateTimes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cold start (installed tool, median of {Runs}): flowrunner --version {v:F0} ms, flowrunner validate flows/auth/login.flow {check:F0} ms: {check / v:F2}x (target <= 3x)"));
        return 0;
    }

    private static double RunOnce(string exe, string[] arguments)
    {
        var start = new ProcessStartInfo(exe) { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        double elapsed = watch.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"flowrunner {string.Join(' ', arguments)} exited with {process.ExitCode}");
        }

        return elapsed;
    }

    private static double Median(List<double> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }
}
