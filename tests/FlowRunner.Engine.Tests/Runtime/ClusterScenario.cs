using System.Diagnostics;
using Dapper;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Storage.Sqlite;
using FlowRunner.Testing;
using Npgsql;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// Several nodes on one PostgreSQL (issue 17), as worker processes (tests/FlowRunner.Engine.Worker) on a throwaway
/// cluster: nodes are SIGKILLed and frozen at random, and every instance still completes with each step's effect
/// written exactly once, the effects written inside the steps' transactions.
/// </summary>
public sealed class ClusterScenario
{
    // The flows of the single-node crash tests: five effect nodes with a fork and a join; and one that hangs in n3.
    private const string Flow = ReliabilityScenario.Flow;
    private const string HangingFlow = ReliabilityScenario.HangingFlow;

    private const int Instances = 300;

    [Fact]
    public async Task Three_nodes_killed_at_random_complete_every_instance_with_each_effect_once()
    {
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        string database = cluster.CreateDatabase();
        using var temp = new TempFolder("flowrunner-cluster-");
        string flow = Path.Combine(temp.Path, "work.flow");
        await File.WriteAllTextAsync(flow, Flow);
        string[] names = ["a", "b", "c"];
        // Node c's clock is two minutes fast: leases go by the database's clock, so it claims nothing early.
        string[][] options = [["--node", "a"], ["--node", "b"], ["--node", "c", "--clock-offset-s", "120"]];
        var logs = new List<(string Node, Task<string> Output, Task<string> Error)>(); // read as they run, so no pipe fills up
        Process Launch(int node)
        {
            Process process = Start(database, flow, options[node]);
            logs.Add((names[node], process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync()));
            return process;
        }

        Process[] nodes = [.. Enumerable.Range(0, names.Length).Select(Launch)];
        var random = new Random(20261130);
        int kills = 0;
        try
        {
            // Kills begin once every node has committed work: on a slow machine a node killed while it still starts up
            // never takes part, and the test would show one node's crashes only.
            var starting = Stopwatch.StartNew();
            while (await CountAsync(database, "SELECT COUNT(DISTINCT worker) FROM effects") < names.Length)
            {
                Assert.True(starting.Elapsed < TimeSpan.FromSeconds(90) && nodes.All(n => !n.HasExited), "not every node took work within 90 s");
                await Task.Delay(50);
            }

            var running = Stopwatch.StartNew();
            while (nodes.Any(n => !n.HasExited) && running.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(random.Next(200, 900));
                int victim = random.Next(names.Length);
                if (kills < 6 && !nodes[victim].HasExited && nodes.Count(n => !n.HasExited) >= 2) // one node always lives
                {
                    nodes[victim].Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no lease given back
                    await nodes[victim].WaitForExitAsync();
                    kills++;
                    if (kills % 2 == 0)
                    {
                        await Task.Delay(random.Next(0, 1_500)); // sometimes back at once (it takes its own instances back), sometimes later
                        nodes[victim].Dispose();
                        nodes[victim] = Launch(victim);
                    }
                }
            }

            // A node that was killed and not restarted left its instances to the others: wait for the survivors.
            foreach (Process node in nodes)
            {
                Assert.True(node.WaitForExit(180_000), "a node did not finish");
            }
        }
        finally
        {
            foreach (Process node in nodes)
            {
                if (!node.HasExited)
                {
                    node.Kill(entireProcessTree: true);
                }

                node.Dispose();
            }
        }

        // What each node run printed (a killed one prints nothing), for the messages below.
        string log = string.Join("\n", await Task.WhenAll(logs.Select(async l => $"[{l.Node}] {(await l.Output).Trim()} {(await l.Error).Trim()}")));
        Assert.True(kills >= 3, $"only {kills} kills happened; the test did not exercise crashes");
        Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database);
        int instances = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances");
        int completed = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances WHERE status = 'Completed'");
        Assert.True(instances >= Instances && completed == instances, $"{completed} of {instances} instances completed\n{log}");
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT instance_id FROM journal WHERE event = 'complete-instance' GROUP BY instance_id HAVING COUNT(*) > 1) d"));
        Assert.Equal(instances * 5, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM effects"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM (SELECT 1 FROM effects GROUP BY instance_id, node_id HAVING COUNT(*) > 1) d"));
    }

    [Fact]
    public async Task A_frozen_node_is_taken_over_and_its_late_commit_leaves_no_trace()
    {
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        string database = cluster.CreateDatabase();
        using var temp = new TempFolder("flowrunner-frozen-");
        string flow = Path.Combine(temp.Path, "work.flow");
        await File.WriteAllTextAsync(flow, HangingFlow);

        // Node a commits n2, then spends 6 s in n3, renewing its 1 s lease; node b, started meanwhile, leaves it alone.
        using Process frozen = Start(database, flow, ["--node", "a", "--until-done"], instances: 1, new() { ["FLOWRUNNER_WORKER_HANG"] = "6000" });
        var waited = Stopwatch.StartNew();
        while (await CountAsync(database, "SELECT COUNT(*) FROM effects WHERE node_id = 'n2'") == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60) && !frozen.HasExited, "node a never committed n2");
            await Task.Delay(50);
        }

        using Process other = Start(database, flow, ["--node", "b", "--until-done"], instances: 1, new() { ["FLOWRUNNER_WORKER_HANG"] = "0" });
        await Task.Delay(TimeSpan.FromSeconds(2)); // two leases: a live node keeps its instance
        Assert.Equal(0, await CountAsync(database, "SELECT COUNT(*) FROM effects WHERE node_id = 'n4'"));

        // Frozen (a GC pause, a stopped VM) past its lease: b takes the instance over and finishes it.
        Signal("STOP", frozen);
        var takeover = Stopwatch.StartNew();
        Assert.True(other.WaitForExit(60_000), "node b did not take over");
        Assert.True(other.ExitCode == 0, await other.StandardError.ReadToEndAsync());
        TimeSpan tookOver = takeover.Elapsed;
        Signal("CONT", frozen); // a wakes in n3, finishes it, and tries to commit
        Assert.True(frozen.WaitForExit(60_000), "node a did not end after it woke");
        Assert.True(frozen.ExitCode == 0, await frozen.StandardError.ReadToEndAsync());

        await using var connection = new NpgsqlConnection(database);
        Assert.Equal("Completed", await connection.ExecuteScalarAsync<string>("SELECT status FROM instances"));
        Assert.Equal(["n2:a", "n4:b"], (await connection.QueryAsync<string>("SELECT node_id || ':' || worker FROM effects ORDER BY node_id")).ToArray());
        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], (await connection.QueryAsync<string>("SELECT node_id FROM journal WHERE event = 'enter' ORDER BY seq, position")).ToArray());
        Assert.True(tookOver < TimeSpan.FromSeconds(10), $"took over after {tookOver}");
    }

    [Fact]
    public async Task Of_three_nodes_that_see_a_timer_due_one_fires_it_and_runs_what_follows_once()
    {
        using var temp = new TempFolder("flowrunner-timers-");
        string database = Path.Combine(temp.Path, "timers.db");
        string flow = Path.Combine(temp.Path, "deadline.flow");
        //  (n1) -> [n2 Approve, timeout PT1M] -Done----> (n3)
        //                                     -Timeout-> [n4 Count it] -> (n5)
        await File.WriteAllTextAsync(flow, "Main { # Main\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Approve\"\n  n3: circle label:\"Done\"\n"
            + "  n4: rectangle label:\"Count it\"\n  n5: circle label:\"Expired\"\n  n1.handle(right) -> n2.handle(left)\n"
            + "  n2.handle(right) -> n3.handle(left) [label=\"Done\"]\n  n2.handle(bottom) -> n4.handle(top) [label=\"Timeout\"]\n  n4.handle(right) -> n5.handle(left)\n}\n");
        await File.WriteAllTextAsync(FlowBindings.PathFor(flow), "{ \"nodes\": { \"n2\": { \"timeout\": \"PT1M\" } } }");
        var time = new ManualTimeProvider();
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        (FlowRuntime Runtime, BoundFlow Flow)[] nodes = await Task.WhenAll(new[] { "a", "b", "c" }.Select(async name =>
        {
            var store = new SqliteInstanceStore(database, time) { Lease = new NodeLease(name, TimeSpan.FromSeconds(30)) };
            await store.MigrateAsync(CancellationToken.None);
            var catalog = new FlowCatalog(new ActivityRegistry().Add(new CountActivity(counted)), store);
            LoadedFlow loaded = catalog.Load(temp.Path, flow);
            return (new FlowRuntime(store, catalog, time), loaded.Flow!);
        }));
        for (int i = 0; i < 30; i++)
        {
            await nodes[0].Runtime.StartAsync(nodes[0].Flow, await File.ReadAllTextAsync(flow), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromMinutes(2));
        int[] fired = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Runtime.FireDueTimersAsync(CancellationToken.None))));

        Assert.Equal(30, fired.Sum());
        Assert.Equal(30, counted.Count);
        Assert.All(counted.Values, c => Assert.Equal(1, c)); // the handler after the timeout ran once, on one node
    }

    /// <summary>Counts its runs per instance in memory: work outside the database, which a lost race would repeat.</summary>
    private sealed class CountActivity(System.Collections.Concurrent.ConcurrentDictionary<string, int> counted) : IActivityHandler
    {
        public string Type => "test.count";

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => ["Count it"];

        public async ValueTask<ActivityResult> ExecuteAsync(FlowRunner.Engine.Activities.ActivityContext context, CancellationToken cancellationToken)
        {
            counted.AddOrUpdate(context.InstanceId, 1, (_, c) => c + 1);
            await Task.Delay(5, cancellationToken); // work takes time, so the nodes' timer runs overlap
            return ActivityResult.Done();
        }
    }

    private static Process Start(string database, string flow, string[] options, int instances = Instances, Dictionary<string, string>? environment = null) =>
        ReliabilityScenario.StartWorker(database, flow, instances, environment, [.. options, "--lease-ms", "1000", .. options.Contains("--until-done") ? Array.Empty<string>() : ["--until-done"]]);

    private static void Signal(string signal, Process process)
    {
        using Process kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<int> CountAsync(string database, string sql)
    {
        try
        {
            await using var connection = new NpgsqlConnection(database);
            return await connection.ExecuteScalarAsync<int>(sql);
        }
        catch (PostgresException)
        {
            return 0; // not migrated yet
        }
    }
}
