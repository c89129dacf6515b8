using System.Net.Http.Json;
using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// <c>--db</c> with a PostgreSQL database (a throwaway cluster the test starts): <c>db migrate</c>, <c>users create</c> and
/// <c>serve</c> as separate processes, keys from the environment, a login through the seed's route.
/// </summary>
public sealed class PostgresServeTests
{
    [Fact]
    public async Task Serve_runs_on_postgresql_with_the_keys_in_the_environment()
    {
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        string database = cluster.CreateDatabase();
        string url = $"postgres://postgres@127.0.0.1:{cluster.Port}/{database.Split("Database=")[1]}";
        Dictionary<string, string> keys = ServeProcess.Keys();

        (int noKeys, string refused) = await ServeProcess.RunCliAsync(new Dictionary<string, string>(), null, "db", "migrate", "--db", url);
        (int migrated, string migratedOutput) = await ServeProcess.RunCliAsync(keys, null, "db", "migrate", "--db", url);
        (int created, string createdOutput) = await ServeProcess.RunCliAsync(keys, "correct horse battery staple\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", database);
        await using ServeProcess serve = await ServeProcess.StartAsync(database, keys);
        HttpResponseMessage login = await serve.Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "correct horse battery staple" });
        JsonElement health = await serve.Client.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal(2, noKeys);
        Assert.Contains("FLOWRUNNER_JWT_KEY is not set", refused, StringComparison.Ordinal);
        Assert.True(migrated == 0, migratedOutput);
        Assert.Contains($"migrated PostgreSQL 127.0.0.1:{cluster.Port}/", migratedOutput, StringComparison.Ordinal);
        Assert.True(created == 0, createdOutput);
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        Assert.False(string.IsNullOrEmpty((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()));
        Assert.Equal("postgresql", health.GetProperty("database").GetString());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("node").GetString()));
        Assert.DoesNotContain("Password", serve.Log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Failed_sign_ins_spread_over_three_nodes_lock_the_account_at_five()
    {
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        string database = cluster.CreateDatabase();
        Dictionary<string, string> keys = ServeProcess.Keys();
        (int created, string createdOutput) = await ServeProcess.RunCliAsync(keys, "correct horse battery staple\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", database);
        Assert.True(created == 0, createdOutput);
        ServeProcess[] nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServeProcess.StartAsync(database, keys)));
        try
        {
            var statuses = new List<int>();
            for (int i = 0; i < 5; i++)
            {
                HttpResponseMessage wrong = await nodes[i % 3].Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "wrong " + i });
                statuses.Add((int)wrong.StatusCode);
            }

            HttpResponseMessage right = await nodes[2].Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "correct horse battery staple" });
            string[] nodeIds = [.. await Task.WhenAll(nodes.Select(async n => (await n.Client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("node").GetString()!))];

            Assert.Equal([401, 401, 401, 401, 401], statuses);
            Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, right.StatusCode); // locked, whichever node is asked
            Assert.Equal(3, nodeIds.Distinct().Count());
        }
        finally
        {
            foreach (ServeProcess node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_client_address_gets_its_public_limit_once_whichever_node_it_asks()
    {
        await using PostgresCluster cluster = await PostgresCluster.StartAsync();
        string database = cluster.CreateDatabase();
        Dictionary<string, string> keys = ServeProcess.Keys();
        ServeProcess[] nodes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ServeProcess.StartAsync(database, keys, "--public-requests-per-minute", "4")));
        try
        {
            var statuses = new List<int>();
            for (int i = 0; i < 6; i++)
            {
                // A public route with a body the route refuses (400): cheap, and counted before the body is read.
                HttpResponseMessage response = await nodes[i % 2].Client.PostAsync("/api/auth/2fa/validate", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
                statuses.Add((int)response.StatusCode);
                if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
                }
            }

            Assert.Equal([400, 400, 400, 400, 429, 429], statuses); // per node it would take 8
        }
        finally
        {
            foreach (ServeProcess node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
