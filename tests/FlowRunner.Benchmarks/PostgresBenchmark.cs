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
/// one client each), pgbench's simple-update transactions per second (<c>pgbench -N</c>) at the same client counts,
/// and how long after a node is killed another finishes its instance. The cluster is a throwaway one (initdb).
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
        // 2,000 instances a node: with 500, each fresh process's JIT warm-up (about half a second) was a third of its time.
        int perNode = args.FirstOrDefault() is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 2_000;
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        using var temp = new TempFolder("flowrunner-pgbench-");
        string flow = Path.Combine(temp.Path, "work.flow");
        string hanging = Path.Combine(temp.Path, "hanging.flow");
        await File.WriteAllTextAsync(flow, Flow);
        await File.WriteAllTextAsync(hanging, HangingFlow);

        string bench = cluster.CreateDatabase();
        Pgbench(cluster, bench, "-i", "-s", "1", "-q");
        double pgbench1 = Tps(Pgbench(cluster, bench, "-N", "-n", "-c", "1", "-j", "1", "-T", "10"));
        double pgbench3 = Tps(Pgbench(cluster, bench, "-N", "-n", "-c", "3", "-j", "3", "-T", "10"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pgbench -N: {pgbench1:F0} tps with 1 client, {pgbench3:F0} with 3"));

        double steps1 = await StepsPerSecondAsync(cluster, flow, nodes: 1, perNode);
        double steps3 = await StepsPerSecondAsync(cluster, flow, nodes: 3, perNode);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"durable steps (node executions committed): {steps1:F0}/s with 1 node ({steps1 / pgbench1:F2}x pgbench at 1 client), {steps3:F0}/s with 3 nodes ({steps3 / pgbench3:F2}x pgbench at 3; target >= 0.5x)"));

        double takeover = await TakeoverSecondsAsync(cluster, hanging);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"take-over after a SIGKILL, default lease: {takeover:F1} s (target <= 10 s)"));
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            stepsPerSecond1 = Math.Round(steps1, 1),
            stepsPerSecond3 = Math.Round(steps3, 1),
            pgbenchTps = Math.Round(pgbench3, 1),
            pgbenchTps1 = Math.Round(pgbench1, 1),
            takeoverSeconds = Math.Round(takeover, 2),
        }));
        return 0;
    }

    // Each node starts perNode instances, one after another; steps are the committed node executions (journal "enter"),
    // over the longest node's time from its first start to its last end.
    private static async Task<double> StepsPerSecondAsync(PostgresCluster cluster, string flow, int nodes, int perNode)
    {
        string database = cluster.CreateDatabase();
        using (Process migrate = Worker(database, flow, 0, "m"))
        {
            await Finish(migrate); // one migration first, so the timed nodes start on a ready schema
        }

        Process[] running = [.. Enumerable.Range(0, nodes).Select(i => Worker(database, flow, perNode, "n" + i, "--quota"))];
        double longest = 0;
        foreach (Process node in running)
        {
            string output = await Finish(node);
            longest = Math.Max(longest, double.Parse(StartedIn().Match(output).Groups[1].Value, CultureInfo.InvariantCulture));
            node.Dispose();
        }

        await using var connection = new NpgsqlConnection(database);
        long steps = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal WHERE event = 'enter'");
        return steps / (longest / 1000);
    }

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
}
