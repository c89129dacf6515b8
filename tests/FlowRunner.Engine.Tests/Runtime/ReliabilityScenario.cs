using System.Diagnostics;
using Dapper;
using FlowRunner.Testing;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// Crash safety with real processes: a child process starts 100 instances and is SIGKILLed at random points,
/// again and again; restarts recover. Every instance must complete exactly once and no step's effect may be
/// written twice (each effect row is written in its step's transaction).
/// </summary>
public sealed class ReliabilityScenario
{
    //  (n1) -> [n2 Effect] -> [n3 Effect] -> [n5 Effect] -> [n6 Effect] -> (n7)
    //                      -> [n4 Effect] ->
    internal const string Flow = "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: rectangle label:\"Effect\"\n  n4: rectangle label:\"Effect\"\n"
        + "  n5: rectangle label:\"Effect\"\n  n6: rectangle label:\"Effect\"\n  n7: circle label:\"End\"\n"
        + "  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n2.handle(bottom) -> n4.handle(top)\n"
        + "  n3.handle(right) -> n5.handle(left)\n  n4.handle(right) -> n5.handle(bottom)\n  n5.handle(right) -> n6.handle(left)\n  n6.handle(right) -> n7.handle(left)\n}\n";

    private const int Instances = 100;

    [Fact]
    public async Task Instances_complete_exactly_once_across_random_sigkills()
    {
        using var temp = new TempFolder("flowrunner-crash-");
        string folder = temp.Path;
        string flow = Path.Combine(folder, "work.flow");
        string database = Path.Combine(folder, "crash.db");
        await File.WriteAllTextAsync(flow, Flow);
        var random = new Random(20261121);
        int kills = 0;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            using Process worker = StartWorker(database, flow);
            bool exited = worker.WaitForExit(random.Next(150, 1200));
            if (!exited)
            {
                worker.Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no flushing
                await worker.WaitForExitAsync();
                kills++;
                continue;
            }

            Assert.True(worker.ExitCode == 0, await worker.StandardError.ReadToEndAsync());
            if (kills >= 3)
            {
                break;
            }
        }

        using (Process final = StartWorker(database, flow))
        {
            Assert.True(final.WaitForExit(120_000), "the final worker did not finish");
            Assert.True(final.ExitCode == 0, await final.StandardError.ReadToEndAsync());
        }

        Assert.True(kills >= 3, $"only {kills} kills happened; the test did not exercise crashes");
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection("Data Source=" + database);
        Assert.Equal(Instances, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM instances"));
        Assert.Equal(Instances, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM instances WHERE status = 'Completed'"));
        Assert.Equal(0, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM branches"));
        Assert.Equal(Instances, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM journal WHERE event = 'complete-instance'"));
        Assert.Equal(0, connection.ExecuteScalar<int>(
            "SELECT COUNT(*) FROM (SELECT instance_id, event FROM journal WHERE event = 'complete-instance' GROUP BY instance_id HAVING COUNT(*) > 1)"));
        // Five effect nodes per instance, each written exactly once.
        Assert.Equal(Instances * 5, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM effects"));
        Assert.Equal(0, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM (SELECT 1 FROM effects GROUP BY instance_id, node_id HAVING COUNT(*) > 1)"));
        Assert.Equal(0, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM effects WHERE instance_id NOT IN (SELECT id FROM instances)"));
    }

    //  (n1) -> [n2 Effect] -> [n3 Hang] -> [n4 Effect] -> (n5)
    internal const string HangingFlow = "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: rectangle label:\"Hang\"\n"
        + "  n4: rectangle label:\"Effect\"\n  n5: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n"
        + "  n3.handle(right) -> n4.handle(left)\n  n4.handle(right) -> n5.handle(left)\n}\n";

    [Fact]
    public async Task A_run_recovered_after_a_sigkill_continues_the_instance_trace_with_one_span_per_node_execution()
    {
        using var temp = new TempFolder("flowrunner-crash-trace-");
        string flow = Path.Combine(temp.Path, "work.flow");
        string database = Path.Combine(temp.Path, "trace.db");
        string spanFile = Path.Combine(temp.Path, "spans.jsonl");
        await File.WriteAllTextAsync(flow, HangingFlow);

        // The first worker is killed inside n3, after n1 and n2 committed; it exports nothing (its spans die with it).
        using (Process hanging = StartWorker(database, flow, instances: 1, new() { ["FLOWRUNNER_WORKER_SPANS"] = spanFile + ".lost", ["FLOWRUNNER_WORKER_HANG"] = "1" }))
        {
            var waited = Stopwatch.StartNew();
            while (Count(database, "SELECT COUNT(*) FROM effects WHERE node_id = 'n2'") == 0)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60) && !hanging.HasExited, "the first worker never committed n2");
                await Task.Delay(50);
            }

            hanging.Kill(entireProcessTree: true);
            await hanging.WaitForExitAsync();
        }

        // The second recovers the instance with OpenTelemetry's in-memory exporter and writes what it exported.
        using (Process recovering = StartWorker(database, flow, instances: 1, new() { ["FLOWRUNNER_WORKER_SPANS"] = spanFile }))
        {
            Assert.True(recovering.WaitForExit(60_000), "the recovering worker did not finish");
            Assert.True(recovering.ExitCode == 0, await recovering.StandardError.ReadToEndAsync());
        }

        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection("Data Source=" + database);
        (string id, string status, string traceParent) = connection.QuerySingle<(string, string, string)>("SELECT id, status, trace_parent FROM instances");
        Assert.Equal("Completed", status);
        string[] parent = traceParent.Split('-'); // 00-<trace id>-<span id of the start's run>-<flags>
        Assert.False(File.Exists(spanFile + ".lost"));
        System.Text.Json.JsonElement[] spans = [.. File.ReadAllLines(spanFile).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(s => s.GetProperty("instance").GetString() == id)];

        System.Text.Json.JsonElement run = Assert.Single(spans, s => s.GetProperty("name").GetString()!.StartsWith("flow.run ", StringComparison.Ordinal));
        Assert.Equal((parent[1], parent[2]), (run.GetProperty("traceId").GetString(), run.GetProperty("parentSpanId").GetString()));
        string[] nodes = [.. spans.Where(s => s.GetProperty("name").GetString()!.StartsWith("flow.node ", StringComparison.Ordinal)).Select(s => s.GetProperty("node").GetString()!)];
        Assert.Equal(["n3", "n4", "n5"], nodes); // what the killed worker had not committed, each exactly once
        Assert.All(spans, s => Assert.Equal(parent[1], s.GetProperty("traceId").GetString()));
        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], connection.Query<string>("SELECT node_id FROM journal WHERE event = 'enter' ORDER BY seq, position"));
    }

    private static int Count(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        try
        {
            connection.Open();
            return connection.ExecuteScalar<int>(sql);
        }
        catch (SqliteException)
        {
            return 0; // not created or migrated yet
        }
    }

    /// <summary>Starts the worker process (tests/FlowRunner.Engine.Worker) with its arguments and environment.</summary>
    internal static Process StartWorker(string database, string flow, int instances = Instances, Dictionary<string, string>? environment = null, params string[] options)
    {
        // The worker is built beside this test assembly's configuration: tests/FlowRunner.Engine.Worker/bin/<config>/net10.0.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string worker = Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Engine.Worker", "bin", configuration, "net10.0", "FlowRunner.Engine.Worker.dll");
        Assert.True(File.Exists(worker), $"worker not built at {worker}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { worker, database, flow, instances.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(options))
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
