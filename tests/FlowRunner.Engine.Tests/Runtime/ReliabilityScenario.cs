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
    private const string Flow = "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: rectangle label:\"Effect\"\n  n4: rectangle label:\"Effect\"\n"
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

    private static Process StartWorker(string database, string flow)
    {
        // The worker is built beside this test assembly's configuration: tests/FlowRunner.Engine.Worker/bin/<config>/net10.0.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string worker = Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Engine.Worker", "bin", configuration, "net10.0", "FlowRunner.Engine.Worker.dll");
        Assert.True(File.Exists(worker), $"worker not built at {worker}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { worker, database, flow, Instances.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
