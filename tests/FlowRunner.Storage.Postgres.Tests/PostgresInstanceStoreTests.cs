using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Testing.Contracts;
using Npgsql;

namespace FlowRunner.Storage.Postgres.Tests;

/// <summary>The instance store contract on a real PostgreSQL (a throwaway cluster started by the tests).</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresInstanceStoreTests(PostgresFixture postgres) : InstanceStoreContract
{
    protected override async Task<(IInstanceStore First, IInstanceStore Second)> CreateTwoNodesAsync(NodeLease first, NodeLease second)
    {
        string database = postgres.Cluster.CreateDatabase();
        var a = new PostgresInstanceStore(database, Time) { Lease = first };
        await a.MigrateAsync(CancellationToken.None);
        return (a, new PostgresInstanceStore(database, Time) { Lease = second });
    }

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new PostgresInstanceStore(postgres.Cluster.CreateDatabase(), Time);
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
    public async Task A_commit_writes_its_journal_entries_as_one_row()
    {
        string database = postgres.Cluster.CreateDatabase();
        var store = new PostgresInstanceStore(database, Time);
        await store.MigrateAsync(CancellationToken.None);
        await CommitJournalAsync(store, "i1", "enter n1", "complete n1", "enter n2");
        await CommitJournalAsync(store, "i2", "enter n1");
        await CommitJournalAsync(store, "i1", "end n2");
        await using var connection = new NpgsqlConnection(database);

        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal_commits WHERE instance_id = 'i1';"));
        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync("i1", CancellationToken.None);
        Assert.Equal(["enter n1", "complete n1", "enter n2", "end n2"], journal.Select(e => $"{e.Event} {e.NodeId}"));
        Assert.Equal([1L, 2, 3, 4], journal.Select(e => e.Sequence));
        await store.DisposeAsync();
    }

    [Fact]
    public async Task Migrating_a_database_whose_journal_has_a_row_per_entry_keeps_every_entry_in_order()
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

            await old.ExecuteAsync(
                """
                INSERT INTO journal (instance_id, node_id, lane, event, outcome, detail, at) VALUES
                ('i1', NULL, NULL, 'start', NULL, 'flow@abc', '2026-01-01T00:00:00.0000000+00:00'),
                ('i2', 'n1', 'Main', 'enter', NULL, NULL, '2026-01-01T00:00:01.0000000+00:00'),
                ('i1', 'n1', 'Main', 'complete', 'Yes', 'fields: email', '2026-01-01T00:00:02.0000000+00:00');
                """);
        }

        var store = new PostgresInstanceStore(database, Time);
        await store.MigrateAsync(CancellationToken.None);
        await CommitJournalAsync(store, "i1", "end n2");

        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync("i1", CancellationToken.None);
        Assert.Equal(["start   flow@abc", "complete n1 Yes fields: email", "end n2  "], journal.Select(e => $"{e.Event} {e.NodeId} {e.Outcome} {e.Detail}"));
        Assert.Equal(("Main", new DateTimeOffset(2026, 1, 1, 0, 0, 2, TimeSpan.Zero)), (journal[1].Lane, journal[1].At));
        Assert.Equal("n1", Assert.Single(await store.GetJournalAsync("i2", CancellationToken.None)).NodeId);
        await store.DisposeAsync();
    }

    // One step transaction that appends a journal entry for each "event node" text.
    private static async Task CommitJournalAsync(PostgresInstanceStore store, string instanceId, params string[] entries)
    {
        await using IStepTransaction step = await store.BeginStepAsync(CancellationToken.None);
        foreach (string[] entry in entries.Select(e => e.Split(' ')))
        {
            await step.AppendJournalAsync(new JournalEntry(instanceId, 0, entry[1], null, entry[0], null, null, DateTimeOffset.UnixEpoch), CancellationToken.None);
        }

        await step.CommitAsync(CancellationToken.None);
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
