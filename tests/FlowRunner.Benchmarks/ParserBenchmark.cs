using System.Diagnostics;
using System.Globalization;
using FlowRunner.Language;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Parsing;

namespace FlowRunner.Benchmarks;

/// <summary>
/// Parse + bind + check of generated flows of 1k, 10k and 100k nodes, warm, as an editor re-checking a file on
/// every keystroke sees it: the median of back-to-back runs (collections included where they fall), allocation
/// per node, and the ratio to a baseline in the same run (splitting the text into lines and scanning every
/// character, the least any line parser must do). Targets: product design §7 and issue 12.
/// </summary>
internal static class ParserBenchmark
{
    public static int Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [1_000, 10_000, 100_000];
        var results = new Dictionary<int, double>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}; {Environment.ProcessorCount} cores"));
        Console.WriteLine("nodes     size(MB)  parse(ms)  parse+bind+check(ms)  of which GC(ms)  mean(ms)  us/node  KB/node  baseline(ms)  ratio-to-baseline");
        foreach (int size in sizes)
        {
            string text = FlowGenerator.Generate(size);
            FlowAnalysis check = FlowAnalysis.Analyze(text, "generated.flow");
            if (check.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || check.Graph.Nodes.Length != size)
            {
                Console.Error.WriteLine($"generated flow of {size} nodes is invalid: {string.Join("; ", check.Diagnostics.Take(3))}");
                return 1;
            }

            int repeats = size >= 100_000 ? 9 : 21; // odd, for a true median
            double parseOnly, median, pause, mean, baseline;
            using (var progress = Benchmark.Progress())
            {
                progress.Report($"parser: {size} nodes, parse only");
                parseOnly = Median(repeats, () => FlowParser.Parse(text, "generated.flow"), out _, out _);
                progress.Report($"parser: {size} nodes, parse+bind+check");
                median = Median(repeats, () => FlowAnalysis.Analyze(text, "generated.flow"), out pause, out mean);
                progress.Report($"parser: {size} nodes, baseline");
                baseline = Median(repeats, () => Scan(text), out _, out _);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(FlowAnalysis.Analyze(text, "generated.flow"));
            double kilobytesPerNode = (GC.GetAllocatedBytesForCurrentThread() - before) / 1024.0 / size;
            results[size] = median;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,-9} {text.Length / 1_000_000.0,8:F2}  {parseOnly,9:F1}  {median,20:F1}  {pause,15:F1}  {mean,8:F1}  {median * 1000 / size,7:F2}  {kilobytesPerNode,7:F1}  {baseline,12:F2}  {median / baseline,17:F1}"));
        }

        if (results.TryGetValue(1_000, out double oneK))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1k nodes warm: {oneK:F1} ms (target < 10 ms)"));
        }

        if (results.TryGetValue(10_000, out double tenK))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"10k nodes warm: {tenK:F1} ms (target < 100 ms)"));
            if (results.TryGetValue(100_000, out double hundredK))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"growth 100k/10k: {hundredK / tenK:F2}x (linear = 10x; target <= 15x)"));
            }
        }

        return 0;
    }

    // The median time of back-to-back runs, the GC pause inside the run of median duration, and the mean (which
    // spreads every run's collections evenly: the throughput of many re-checks).
    private static double Median(int repeats, Func<object> action, out double pauseOfMedian, out double mean)
    {
        // Tiered JIT optimises a method after 30 calls: warm with 50 runs, or 2 s for the sizes where a run is long.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 50 && (i < 3 || warm.ElapsedMilliseconds < 2000); i++)
        {
            GC.KeepAlive(action());
        }

        var times = new List<(double Time, double Pause)>();
        for (int i = 0; i < repeats; i++)
        {
            TimeSpan pausedBefore = GC.GetTotalPauseDuration();
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(action());
            times.Add((watch.Elapsed.TotalMilliseconds, (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds));
        }

        mean = times.Average(t => t.Time);
        times.Sort();
        pauseOfMedian = times[times.Count / 2].Pause;
        return times[times.Count / 2].Time;
    }

    private static object Scan(string text)
    {
        int lines = 0;
        int letters = 0;
        foreach (string line in text.Split('\n'))
        {
            lines++;
            foreach (char c in line)
            {
                if (char.IsLetterOrDigit(c))
                {
                    letters++;
                }
            }
        }

        return lines + letters;
    }
}
