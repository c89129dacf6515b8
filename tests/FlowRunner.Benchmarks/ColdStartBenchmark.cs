using System.Diagnostics;
using System.Globalization;
using FlowRunner.Testing;

namespace FlowRunner.Benchmarks;

/// <summary>
/// What a CI job feels: <c>flowrunner validate flows/auth/login.flow</c> as a whole process from the Release build,
/// against <c>flowrunner --version</c> (runtime start and command line only) in the same run, interleaved.
/// Target (issue 12): at most 3x.
/// </summary>
internal static class ColdStartBenchmark
{
    private const int Runs = 11;

    public static int Run()
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        string exe = Path.Combine(RepoPaths.Root, "src", "FlowRunner.Cli", "bin", Configuration, "net10.0", OperatingSystem.IsWindows() ? "flowrunner.exe" : "flowrunner");
        if (!File.Exists(exe))
        {
            Console.Error.WriteLine($"{exe} is missing: build the CLI in {Configuration} first");
            return 1;
        }

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
            $"cold start ({Configuration}, median of {Runs}): flowrunner --version {v:F0} ms, flowrunner validate flows/auth/login.flow {check:F0} ms: {check / v:F2}x (target <= 3x)"));
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
