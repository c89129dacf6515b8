using System.Diagnostics;
using System.Globalization;
using FlowRunner.Benchmarks;
using FlowRunner.Language;
using FlowRunner.Language.Diagnostics;

// Three benchmarks: the parser (default), the durable engine ("engine") and the identity activities ("identity").
// Parse + validate benchmark (issue 2): generated flows of 1k, 10k and 100k nodes. Prints the median time
// of several warm runs, MB/s, the growth ratio 100k/10k (linear when about 10), and the ratio to a
// baseline measured in the same run: splitting the same text into lines and scanning every character,
// the least any line parser must do.
if (args.Length > 0 && args[0] == "engine")
{
    return await EngineBenchmark.RunAsync(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] == "identity")
{
    return await IdentityBenchmark.RunAsync(args.Skip(1).ToArray());
}

int[] sizes = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [1_000, 10_000, 100_000];
var results = new Dictionary<int, double>();
var pauses = new Dictionary<int, double>();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {(AppContext.GetData("System.GC.Concurrent") is false || Environment.GetEnvironmentVariable("DOTNET_gcConcurrent") == "0" ? "non-concurrent" : "concurrent")}; {Environment.ProcessorCount} cores"));
Console.WriteLine("nodes     size(MB)  parse(ms)  parse+validate(ms)  of which GC(ms)  us/node  MB/s    baseline(ms)  ratio-to-baseline");
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
    double parseOnly = Median(repeats, () => FlowRunner.Language.Parsing.FlowParser.Parse(text, "generated.flow"));
    double median = MedianWithPause(repeats, () => FlowAnalysis.Analyze(text, "generated.flow"), out double pause);
    double baseline = Median(repeats, () => Scan(text));
    double megabytes = text.Length / 1_000_000.0;
    results[size] = median;
    pauses[size] = pause;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size,-9} {megabytes,8:F2}  {parseOnly,9:F1}  {median,18:F1}  {pause,15:F1}  {median * 1000 / size,7:F2}  {megabytes / (median / 1000),6:F1}  {baseline,12:F2}  {median / baseline,17:F1}"));
}

if (results.TryGetValue(10_000, out double tenK) && results.TryGetValue(100_000, out double hundredK))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"growth 100k/10k: {hundredK / tenK:F2}x (linear = 10x; target <= 11x)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"growth 100k/10k of the time outside GC pauses: {(hundredK - pauses[100_000]) / (tenK - pauses[10_000]):F2}x (for reading the figure above, not a target)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"10k nodes warm: {tenK:F1} ms (target < 150 ms)"));
}

return 0;

static double Median(int repeats, Func<object> action) => MedianWithPause(repeats, action, out _);

// The median time, and the GC pause time inside the run of median duration.
static double MedianWithPause(int repeats, Func<object> action, out double pauseOfMedian)
{
    // Warm-up: tiered JIT needs many calls before the optimised code runs, so warm for at least half a second.
    var warm = Stopwatch.StartNew();
    for (int i = 0; i < 3 || warm.ElapsedMilliseconds < 500; i++)
    {
        GC.KeepAlive(action());
    }

    var times = new List<(double Time, double Pause)>();
    for (int i = 0; i < repeats; i++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TimeSpan pausedBefore = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        GC.KeepAlive(action());
        times.Add((watch.Elapsed.TotalMilliseconds, (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds));
    }

    times.Sort();
    pauseOfMedian = times[times.Count / 2].Pause;
    return times[times.Count / 2].Time;
}

static object Scan(string text)
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
