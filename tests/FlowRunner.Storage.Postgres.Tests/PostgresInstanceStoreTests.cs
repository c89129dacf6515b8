using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Testing.Contracts;
using Npgsql;

namespace FlowRunner.Storage.Postgres.Tests;

/// <summary>The instance store contract on a real PostgreSQL (a throwaway cluster started by the tests).</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresInstanceStoreTests(PostgresFixture postgres) : InstanceStoreContract
{
    // Each store's connection string, for the contract's SQL hooks.
    private readonly Dictionary<IInstanceStore, string> _databases = [];

    protected override async Task<(IInstanceStore First, IInstanceStore Second)> CreateTwoNodesAsync(NodeLease first, NodeLease second)
    {
        string database = postgres.Cluster.CreateDatabase();
        var a = new PostgresInstanceStore(database, Time) { Lease = first };
        await a.MigrateAsync(CancellationToken.None);
        return (a, new PostgresInstanceStore(database, Time) { Lease = second });
    }

    protected override async Task<IInstanceStore> CreateStoreBeforeJournalCommitsAsync(string oldRowsSql)
    {
        string database = postgres.Cluster.CreateDatabase();
        await using (var old = new NpgsqlConnection(database))
        {
            await old.ExecuteAsync("CREATE TABLE schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (source, version));");
            foreach (MigrationScript script in MigrationScript.FromResources(typeof(PostgresInstanceStore).Assembly, "runtime").Where(s => s.Version < 6))
            {
                await old.ExecuteAsync(script.Sql);
                await old.ExecuteAsync("INSERT INTO schema_migrations VALUES ('runtime', @Version, @Name, 'then');", script);
            }

            await old.ExecuteAsync(oldRowsSql);
        }

        var store = new PostgresInstanceStore(database, Time);
        _databases[store] = database;
        return store;
    }

    protected override async Task<long> CountJournalRowsAsync(IInstanceStore store, string instanceId)
    {
        await using var connection = new NpgsqlConnection(_databases[store]);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal_commits WHERE instance_id = @instanceId;", new { instanceId });
    }

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        string database = postgres.Cluster.CreateDatabase();
        var store = new PostgresInstanceStore(database, Time);
        _databases[store] = database;
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    [Theory]
    [InlineData("Host=db;Database=flowrunner", 64)]
    [InlineData("Host=db;Database=flowrunner;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=flowrunner;maxautoprepare=10", 10)]
    public void Statements_are_prepared_unless_the_connection_string_says_otherwise(string connectionString, int prepared)
    {
        Npgsql.NpgsqlConnectionStringBuilder settings = PostgresInstanceStore.Settings(connectionString);
        Assert.Equal(prepared, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
    }

    [Fact]
    public async Task A_node_giving_work_up_wakes_the_other_nodes_at_once()
    {
        (PostgresInstanceStore a, PostgresInstanceStore b) = await TwoNodesWithAnInstanceAsync(FlowRunner.Engine.State.InstanceStatus.Running);
        await using (a)
        await using (b)
        {
            await WokenByAsync(b, () => a.ReleaseLeasesAsync(["i1"], CancellationToken.None));
            Assert.Equal(["i1"], await b.ClaimRunnableAsync(10, includeOwn: false, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_timer_set_on_one_node_wakes_the_others_at_once()
    {
        (PostgresInstanceStore a, PostgresInstanceStore b) = await TwoNodesWithAnInstanceAsync(FlowRunner.Engine.State.InstanceStatus.Waiting);
        await using (a)
        await using (b)
        {
            await WokenByAsync(b, async () =>
            {
                await using IStepTransaction tx = await a.BeginStepAsync(CancellationToken.None);
                await tx.SetTimerAsync("i1", "b1", Time.GetUtcNow().AddSeconds(2), CancellationToken.None);
                await tx.CommitAsync(CancellationToken.None);
            });
            Assert.Equal(Time.GetUtcNow().AddSeconds(2), await b.NextTimerDueAsync(CancellationToken.None));
        }
    }

    // Nodes a and b on one fresh database, with instance i1 stored by a in this status.
    private async Task<(PostgresInstanceStore A, PostgresInstanceStore B)> TwoNodesWithAnInstanceAsync(FlowRunner.Engine.State.InstanceStatus status)
    {
        string database = postgres.Cluster.CreateDatabase();
        var a = new PostgresInstanceStore(database, Time) { Lease = new NodeLease("a", TimeSpan.FromMinutes(1)) };
        var b = new PostgresInstanceStore(database, Time) { Lease = new NodeLease("b", TimeSpan.FromMinutes(1)) };
        await a.MigrateAsync(CancellationToken.None);
        await a.SaveFlowVersionAsync("flow", "h", "flow.flow", "text", CancellationToken.None);
        var state = new FlowRunner.Engine.State.InstanceState { Id = "i1", FlowName = "flow", FlowHash = "h", Status = status, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() };
        await using IStepTransaction tx = await a.BeginStepAsync(CancellationToken.None);
        await tx.InsertAsync(state, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return (a, b);
    }

    // The listener, waiting for work for a minute, is woken within seconds of what the other node does.
    private static async Task WokenByAsync(PostgresInstanceStore listener, Func<Task> act)
    {
        await listener.WaitForWorkAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None); // listening from here on
        var waited = System.Diagnostics.Stopwatch.StartNew();
        Task woken = listener.WaitForWorkAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        await act();
        await woken.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"woken after {waited.Elapsed}");
    }

    [Fact]
    public async Task A_store_disposed_synchronously_closes_its_connections()
    {
        var store = new PostgresInstanceStore(postgres.Cluster.CreateDatabase(), Time);
        await store.MigrateAsync(CancellationToken.None);
        await store.WaitForWorkAsync(TimeSpan.FromMilliseconds(10), CancellationToken.None); // its listener starts

        store.Dispose(); // a container disposed synchronously: the listener stops, the data sources close

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync("i1", CancellationToken.None));
    }

    [Fact]
    public async Task Nodes_migrating_at_once_apply_each_script_once()
    {
        string database = postgres.Cluster.CreateDatabase();
        PostgresInstanceStore[] nodes = [.. Enumerable.Range(0, 3).Select(_ => new PostgresInstanceStore(database, Time))];

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.MigrateAsync(CancellationToken.None))));

        await nodes[0].SaveFlowVersionAsync("f", "h", "f.flow", "text", CancellationToken.None);
        Assert.NotNull(await nodes[2].LoadFlowVersionAsync("h", CancellationToken.None));
        foreach (PostgresInstanceStore node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
