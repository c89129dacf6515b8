using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using FlowRunner.Testing;
using Npgsql;

namespace FlowRunner.Benchmarks;

/// <summary>
/// Several nodes on one PostgreSQL (issue 17), against pgbench on the same server in the same run: durable steps per
/// second with 1 node and with 3 node processes (the engine's worker, each running instances one after another, so
/// one client each) of the engine benchmark's flow and of a flow whose handlers write, pgbench's simple-update
/// transactions per second (<c>pgbench -N</c>) at the same client counts, and how long after a node is killed another
/// finishes its instance. The cluster is a throwaway one (initdb).
/// </summary>
internal static partial class PostgresBenchmark
{
    //  (n1) -> [n2 Effect] -> [n3 Effect] -> [n4 Effect] -> (n5): five node executions, three of them writing.
    private const string Flow = "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: rectangle label:\"Effect\"\n"
        + "  n4: rectangle label:\"Effect\"\n  n5: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n"
        + "  n3.handle(right) -> n4.handle(left)\n  n4.handle(right) -> n5.handle(left)\n}\n";

    //  (n1) -> [n2 Effect] -> [n3 Hang] -> (n4): the killed node's instance waits in n3.
    private const string HangingFlow = "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: rectangle label:\"Hang\"\n"
        + "  n4: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n3.handle(right) -> n4.handle(left)\n}\n";

    public static async Task<int> RunAsync(string[] args)
    {
        // 500 warm-up instances a node: about two seconds alone, four with three nodes, before the window opens.
        int warmUp = args.FirstOrDefault() is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 500;
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        using var temp = new TempFolder("flowrunner-pgbench-");
        string engineFlow = Path.Combine(temp.Path, "engine.flow");
        string flow = Path.Combine(temp.Path, "work.flow");
        string hanging = Path.Combine(temp.Path, "hanging.flow");
        await File.WriteAllTextAsync(engineFlow, EngineBenchmark.SmallFlow);
        await File.WriteAllTextAsync(flow, Flow);
        await File.WriteAllTextAsync(hanging, HangingFlow);

        string bench = cluster.CreateDatabase();
        Pgbench(cluster, bench, "-i", "-s", "1", "-q");
        double pgbench1 = Tps(Pgbench(cluster, bench, "-N", "-n", "-c", "1", "-j", "1", "-T", "10"));
        double pgbench3 = Tps(Pgbench(cluster, bench, "-N", "-n", "-c", "3", "-j", "3", "-T", "10"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pgbench -N: {pgbench1:F0} tps with 1 client, {pgbench3:F0} with 3"));

        // The engine benchmark's flow, as the issue names it: no handler writes, so an instance is one transaction.
        (double steps1, double whole1) = await StepsPerSecondAsync(cluster, engineFlow, nodes: 1, warmUp);
        (double steps3, double whole3) = await StepsPerSecondAsync(cluster, engineFlow, nodes: 3, warmUp);
        Report("the engine benchmark's flow (4 steps, one transaction an instance)", steps1, whole1, steps3, whole3, pgbench1, pgbench3);

        // Three handlers writing in their commits: a transaction per writing step, as no transaction stays open while a handler works.
        (double writing1, double writingWhole1) = await StepsPerSecondAsync(cluster, flow, nodes: 1, warmUp);
        (double writing3, double writingWhole3) = await StepsPerSecondAsync(cluster, flow, nodes: 3, warmUp);
        Report("a flow whose handlers write (5 steps, three transactions an instance)", writing1, writingWhole1, writing3, writingWhole3, pgbench1, pgbench3);

        double takeover = await TakeoverSecondsAsync(cluster, hanging);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"take-over after a SIGKILL, default lease: {takeover:F1} s (target <= 10 s)"));
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            stepsPerSecond1 = Math.Round(steps1, 1),
            stepsPerSecond3 = Math.Round(steps3, 1),
            stepsPerSecond1WithWarmUp = Math.Round(whole1, 1),
            stepsPerSecond3WithWarmUp = Math.Round(whole3, 1),
            writingStepsPerSecond1 = Math.Round(writing1, 1),
            writingStepsPerSecond3 = Math.Round(writing3, 1),
            writingStepsPerSecond1WithWarmUp = Math.Round(writingWhole1, 1),
            writingStepsPerSecond3WithWarmUp = Math.Round(writingWhole3, 1),
            pgbenchTps = Math.Round(pgbench3, 1),
            pgbenchTps1 = Math.Round(pgbench1, 1),
            takeoverSeconds = Math.Round(takeover, 2),
        }));
        return 0;
    }

    private static void Report(string what, double steps1, double whole1, double steps3, double whole3, double pgbench1, double pgbench3)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: durable steps (node executions committed) of warm nodes {steps1:F0}/s with 1 node ({steps1 / pgbench1:F2}x pgbench at 1 client), {steps3:F0}/s with 3 nodes ({steps3 / pgbench3:F2}x pgbench at 3; target >= 0.5x)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  with each process's warm-up counted: {whole1:F0}/s with 1 node ({whole1 / pgbench1:F2}x), {whole3:F0}/s with 3 ({whole3 / pgbench3:F2}x)"));
    }

    // Each node warms up (the first instances of a fresh process run while its JIT compiles the path, at about two
    // thirds of the later rate), then starts instances one after another for the window and a margin. The steady rate
    // is the node executions committed (journal "enter", counted by the database) in a window that opens once every
    // node is warm, as pgbench measures its clients once connected; the rate with the warm-up is reported beside it.
    private static async Task<(double Steady, double WithWarmUp)> StepsPerSecondAsync(PostgresCluster cluster, string flow, int nodes, int warmUp)
    {
        string database = cluster.CreateDatabase();
        using (Process migrate = Worker(database, flow, 0, "m"))
        {
            await Finish(migrate); // one migration first, so the timed nodes start on a ready schema
        }

        Process[] running = [.. Enumerable.Range(0, nodes).Select(i => Worker(database, flow, 0, "n" + i,
            "--warm-up", warmUp.ToString(CultureInfo.InvariantCulture), "--for-seconds", (WindowSeconds + 6).ToString(CultureInfo.InvariantCulture)))];
        double longestWarmUp = 0;
        foreach (Process node in running)
        {
            string line = await node.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("a worker ended before it was warm: " + await node.StandardError.ReadToEndAsync());
            longestWarmUp = Math.Max(longestWarmUp, double.Parse(WarmIn().Match(line).Groups[1].Value, CultureInfo.InvariantCulture));
        }

        await using var connection = new NpgsqlConnection(database);
        const string Entered = "SELECT COUNT(*) FROM journal WHERE event = 'enter'";
        await connection.OpenAsync();
        var window = Stopwatch.StartNew(); // each count sees what had committed when it started
        long before = await connection.ExecuteScalarAsync<long>(Entered);
        await Task.Delay(TimeSpan.FromSeconds(WindowSeconds));
        window.Stop();
        long after = await connection.ExecuteScalarAsync<long>(Entered);
        if (running.Any(n => n.HasExited))
        {
            throw new InvalidOperationException("a worker stopped before the window closed: the nodes did not warm up together");
        }

        double longest = 0;
        foreach (Process node in running)
        {
            string output = await Finish(node);
            longest = Math.Max(longest, double.Parse(StartedIn().Match(output).Groups[1].Value, CultureInfo.InvariantCulture));
            node.Dispose();
        }

        long total = await connection.ExecuteScalarAsync<long>(Entered);
        return ((after - before) / window.Elapsed.TotalSeconds, total / ((longestWarmUp + longest) / 1000));
    }

    private const int WindowSeconds = 10;

    // Node a runs an instance into n3 and hangs there; node b sweeps. a is killed; how long until b has completed it.
    private static async Task<double> TakeoverSecondsAsync(PostgresCluster cluster, string flow)
    {
        string database = cluster.CreateDatabase();
        using Process a = Worker(database, flow, 1, "a", "--lease-ms", "6000"); // node a hangs in n3
        await using var connection = new NpgsqlConnection(database);
        var waited = Stopwatch.StartNew();
        while (await CountAsync(connection, "SELECT COUNT(*) FROM effects WHERE node_id = 'n2'") == 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(60) || a.HasExited)
            {
                throw new InvalidOperationException("node a never reached n3: " + await a.StandardError.ReadToEndAsync());
            }

            await Task.Delay(20);
        }

        using Process b = Worker(database, flow, 1, "b", "--until-done");
        await Task.Delay(TimeSpan.FromSeconds(1)); // b is up and sweeping
        a.Kill(entireProcessTree: true);
        var takeover = Stopwatch.StartNew();
        while (await CountAsync(connection, "SELECT COUNT(*) FROM instances WHERE status = 'Completed'") == 0)
        {
            if (takeover.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("node b did not take over within a minute");
            }

            await Task.Delay(20);
        }

        double seconds = takeover.Elapsed.TotalSeconds;
        await Finish(b);
        return seconds;
    }

    private static Process Worker(string database, string flow, int instances, string node, params string[] options)
    {
        string worker = Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Engine.Worker", "bin", "Release", "net10.0", "FlowRunner.Engine.Worker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { worker, database, flow, instances.ToString(CultureInfo.InvariantCulture), "--node", node }.Concat(options))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FLOWRUNNER_WORKER_EFFECT_MS"] = "0";
        start.Environment["FLOWRUNNER_WORKER_HANG"] = node == "a" ? "1" : "0";

        return Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
    }

    private static async Task<string> Finish(Process process)
    {
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"a worker failed ({process.ExitCode}): {error}");
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            return await connection.ExecuteScalarAsync<long>(sql);
        }
        catch (PostgresException)
        {
            return 0; // not migrated yet
        }
    }

    private static string Pgbench(PostgresCluster cluster, string connectionString, params string[] arguments)
    {
        string database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var start = new ProcessStartInfo("pgbench") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "-h", "127.0.0.1", "-p", cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres" }.Concat(arguments).Append(database))
        {
            start.ArgumentList.Add(argument);
        }

        using Process pgbench = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start");
        string output = pgbench.StandardOutput.ReadToEnd() + pgbench.StandardError.ReadToEnd();
        pgbench.WaitForExit();
        return pgbench.ExitCode == 0 ? output : throw new InvalidOperationException("pgbench failed: " + output);
    }

    private static double Tps(string output) => double.Parse(TpsLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"started \d+ in (\d+) ms")]
    private static partial Regex StartedIn();

    [GeneratedRegex(@"warm in (\d+) ms")]
    private static partial Regex WarmIn();
}
