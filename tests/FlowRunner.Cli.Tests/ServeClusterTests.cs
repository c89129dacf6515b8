using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FlowRunner.Testing;
using Npgsql;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// Three <c>flowrunner serve</c> processes on one PostgreSQL (a throwaway cluster), one SIGKILLed at random moments and
/// restarted while clients start instances through whichever nodes are up (issue 17). The flow's "Effect" steps come
/// from the worker's activity assembly (<c>--activities</c>) and write one row each inside their step's commit.
/// </summary>
public sealed class ServeClusterTests
{
    //  (n1) -> [n2 Effect] -> [n3 Effect] -> [n5 Effect] -> [n6 Effect] -> (n7)
    //                      -> [n4 Effect] ->
    private const string WorkFlow = "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: rectangle label:\"Effect\"\n  n4: rectangle label:\"Effect\"\n"
        + "  n5: rectangle label:\"Effect\"\n  n6: rectangle label:\"Effect\"\n  n7: circle label:\"End\"\n"
        + "  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n2.handle(bottom) -> n4.handle(top)\n"
        + "  n3.handle(right) -> n5.handle(left)\n  n4.handle(right) -> n5.handle(bottom)\n  n5.handle(right) -> n6.handle(left)\n  n6.handle(right) -> n7.handle(left)\n}\n";

    //  (n1) -> [n2 Approve, timeout 1 s] -Done-> (n3); -Timeout-> [n4 Effect] -> (n5)
    private const string TimedFlow = "Main { # Main\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Approve\"\n  n3: circle label:\"Done\"\n"
        + "  n4: rectangle label:\"Effect\"\n  n5: circle label:\"Expired\"\n  n1.handle(right) -> n2.handle(left)\n"
        + "  n2.handle(right) -> n3.handle(left) [label=\"Done\"]\n  n2.handle(bottom) -> n4.handle(top) [label=\"Timeout\"]\n  n4.handle(right) -> n5.handle(left)\n}\n";

    private const int Instances = 300;

    [Fact]
    public async Task Three_serve_nodes_one_killed_at_random_and_restarted_complete_every_instance_with_each_effect_once()
    {
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        string database = cluster.CreateDatabase();
        Dictionary<string, string> environment = ServeProcess.Keys();
        environment["FLOWRUNNER_WORKER_EFFECT_MS"] = "15"; // a run takes about 75 ms: kills land in the middle of runs
        using var temp = new TempFolder("flowrunner-serve-cluster-");
        string flows = temp.Copy(RepoPaths.Flows, "flows");
        await File.WriteAllTextAsync(Path.Combine(flows, "work.flow"), WorkFlow);
        await File.WriteAllTextAsync(Path.Combine(flows, "timed.flow"), TimedFlow);
        await File.WriteAllTextAsync(Path.Combine(flows, "timed.bindings.json"), "{ \"nodes\": { \"n2\": { \"timeout\": \"PT1S\" } } }");
        string worker = ServeActivitiesTests.WorkerAssembly();

        var nodes = new ServeProcess?[3];
        Task<ServeProcess> Launch() => ServeProcess.StartFolderAsync(flows, database, environment, "--activities", worker);
        for (int i = 0; i < nodes.Length; i++)
        {
            nodes[i] = await Launch(); // one after another: the first migrates, with the worker's table
        }

        var logs = new ConcurrentQueue<string>();
        try
        {
            string token = await AdminTokenAsync(nodes[0]!, database, environment);
            int started = 0, lost = 0, kills = 0;
            var random = new Random(20261130);
            var clock = Stopwatch.StartNew();
            var restartedWorkers = new ConcurrentQueue<string>();
            Task? killer = null;

            // Clients start instances through whichever node is up; a request to a node that dies on it is lost, and
            // the instance it may have created is the sweep's to finish.
            async Task ClientAsync(int seed)
            {
                var pick = new Random(seed);
                // At least Instances, and on until the killer is done: a restarted serve takes seconds to come up.
                while ((Volatile.Read(ref started) < Instances || !killer!.IsCompleted) && clock.Elapsed < TimeSpan.FromMinutes(3))
                {
                    ServeProcess? node = nodes[pick.Next(nodes.Length)];
                    if (node is null || node.HasExited)
                    {
                        await Task.Delay(20);
                        continue;
                    }

                    // One in ten waits for a 1-second timer, which whichever node claims it fires, kills or not.
                    using var request = new HttpRequestMessage(HttpMethod.Post, pick.Next(10) == 0 ? "/flows/timed/instances" : "/flows/work/instances");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    try
                    {
                        using HttpResponseMessage response = await node.Client.SendAsync(request);
                        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        Interlocked.Increment(ref started);
                    }
                    catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException or ObjectDisposedException && node.HasExited))
                    {
                        // The node died under the request (its client is disposed with it).
                        Interlocked.Increment(ref lost);
                    }
                }
            }

            async Task KillerAsync()
            {
                while (kills < 3)
                {
                    await Task.Delay(random.Next(300, 1000));
                    int victim = random.Next(nodes.Length);
                    if (nodes[victim] is not { } node || nodes.Count(n => n is { HasExited: false }) < 3)
                    {
                        continue;
                    }

                    nodes[victim] = null;
                    await node.KillAsync();
                    logs.Enqueue($"killed node {victim} at {clock.Elapsed}");
                    Interlocked.Increment(ref kills);
                    await node.DisposeAsync();
                    await Task.Delay(random.Next(0, 500));
                    ServeProcess restarted = await Launch();
                    nodes[victim] = restarted;
                    string worker = $"serve-{restarted.ProcessId}";
                    restartedWorkers.Enqueue(worker);

                    // The next kill waits until the restarted node has committed work, however slow its start-up.
                    await using var check = new NpgsqlConnection(database);
                    var waited = Stopwatch.StartNew();
                    while (await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM effects WHERE worker = @worker", new { worker }) == 0
                        && waited.Elapsed < TimeSpan.FromSeconds(30))
                    {
                        await Task.Delay(100);
                    }
                }
            }

            killer = KillerAsync();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(ClientAsync));
            await killer;

            // Every instance any node stored finishes: those a killed node left running are swept by the others, and
            // each timer is fired by one node.
            await using var connection = new NpgsqlConnection(database);
            var waiting = Stopwatch.StartNew();
            while (await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances WHERE flow_name IN ('work', 'timed') AND status <> 'Completed'") > 0
                && waiting.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(250);
            }

            int work = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances WHERE flow_name = 'work'");
            int timed = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances WHERE flow_name = 'timed'");
            int instances = work + timed;
            string story = $"started {started}, lost {lost}, kills {kills}, stored {work} + {timed} timed\n" + string.Join('\n', logs);
            Console.WriteLine(story);
            Assert.True(started >= Instances, story);
            Assert.True(kills >= 3, story);
            Assert.True(timed > 0, story);
            Assert.True(instances >= started && instances <= started + lost, story);
            Assert.Equal(instances, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances WHERE flow_name IN ('work', 'timed') AND status = 'Completed'"));
            Assert.Equal(timed, await connection.ExecuteScalarAsync<int>(
                "SELECT COUNT(*) FROM journal j JOIN instances i ON i.id = j.instance_id WHERE i.flow_name = 'timed' AND j.event = 'timeout'"));
            Assert.Equal((work * 5) + timed, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM effects"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM (SELECT 1 FROM effects GROUP BY instance_id, node_id HAVING COUNT(*) > 1) d"));
            foreach (string restarted in restartedWorkers)
            {
                Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM effects WHERE worker = @restarted", new { restarted }) > 0, $"restarted {restarted} did no work\n" + story);
            }
        }
        finally
        {
            foreach (ServeProcess? node in nodes)
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    // An administrator (the generic API's role) created with the CLI, signed in through the seed's login route.
    private static async Task<string> AdminTokenAsync(ServeProcess node, string database, Dictionary<string, string> environment)
    {
        (int created, string output) = await ServeProcess.RunCliAsync(environment, "correct horse battery staple\n", "users", "create", "--email", "admin@example.com", "--password-stdin", "--role", "admin", "--db", database);
        Assert.True(created == 0, output);
        HttpResponseMessage login = await node.Client.PostAsJsonAsync("/api/auth/login", new { email = "admin@example.com", password = "correct horse battery staple" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }
}
