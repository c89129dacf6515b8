using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Storage.Relational;
using FlowRunner.Testing;
using FlowRunner.Testing.Contracts;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Storage.Sqlite.Tests;

/// <summary>The instance store contract on a real SQLite file.</summary>
public sealed class SqliteInstanceStoreTests : InstanceStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("flowrunner-sqlite-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix permissions; on Windows the folder's ACL decides
    public async Task Database_files_are_readable_by_their_owner_only()
    {
        string path = _folder.File("private/flowrunner.db");
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        await store.SaveFlowVersionAsync("f", "abc", "f.flow", "text", CancellationToken.None); // a write: the -wal file exists
        string[] files = [path, path + "-wal", path + "-shm"];
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    [Fact]
    public async Task The_WAL_is_checkpointed_in_the_background_so_it_stays_small()
    {
        string path = _folder.File("busy.db");
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        long largest = 0;
        for (int i = 1; i <= 3_000; i++)
        {
            // One write transaction each, a page or two of the WAL: 3,000 of them pass no commit's own threshold.
            await store.TakeTokenAsync("client-" + (i % 50), capacity: 1e9, perSecond: 1, CancellationToken.None);
            if (i % SqliteInstanceStore.CheckpointEvery == 0)
            {
                await store.LastCheckpoint;
                largest = Math.Max(largest, new FileInfo(path + "-wal").Length);
            }
        }

        // Without the background checkpoints the WAL would hold every write: over 3,000 pages (12 MiB).
        Assert.True(largest < 2 * 1024 * 1024, $"the WAL grew to {largest / 1024} KiB");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Claiming_and_pruning_read_the_status_indexes_that_hold_only_running_and_finished_instances(bool includeOwn)
    {
        string path = _folder.File("plans.db");
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        await using var connection = new SqliteConnection("Data Source=" + path);
        await connection.OpenAsync();

        string claim = await PlanAsync(connection, RelationalQueries.RunnableSql("SQLite", includeOwn));
        string prune = await PlanAsync(connection, RelationalQueries.FinishedBeforeSql);
        // A waiting instance is in no status index: answering it moves no index entry.
        string[] indexed = [.. await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances' AND sql LIKE '%status%' ORDER BY name;")];

        Assert.Contains("USING INDEX ix_instances_running", claim, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", claim, StringComparison.Ordinal); // read in created_at order, not sorted
        Assert.Contains("USING INDEX ix_instances_finished", prune, StringComparison.Ordinal);
        Assert.Equal(["ix_instances_finished", "ix_instances_running"], indexed);
    }

    [Fact]
    public async Task A_commit_writes_its_journal_entries_as_one_row_which_the_journal_view_reads_through_the_index()
    {
        string path = _folder.File("journal.db");
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        await CommitJournalAsync(store, "i1", "enter n1", "complete n1", "enter n2");
        await CommitJournalAsync(store, "i2", "enter n1");
        await CommitJournalAsync(store, "i1", "end n2");
        await using var connection = new SqliteConnection("Data Source=" + path);
        await connection.OpenAsync();

        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal_commits WHERE instance_id = 'i1';"));
        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync("i1", CancellationToken.None);
        Assert.Equal(["enter n1", "complete n1", "enter n2", "end n2"], journal.Select(e => $"{e.Event} {e.NodeId}"));
        Assert.Equal([1L, 2, 3, 4], journal.Select(e => e.Sequence));
        Assert.Contains("USING INDEX ix_journal_commits_instance", await PlanAsync(connection, RelationalQueries.JournalSql.Replace("@instanceId", "'i1'", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrating_a_database_whose_journal_has_a_row_per_entry_keeps_every_entry_in_order()
    {
        string path = _folder.File("old.db");
        await using (var old = new SqliteConnection("Data Source=" + path))
        {
            await old.OpenAsync();
            await old.ExecuteAsync("CREATE TABLE schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (source, version));");
            foreach (MigrationScript script in MigrationScript.FromResources(typeof(SqliteInstanceStore).Assembly, "runtime").Where(s => s.Version < 9))
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

        SqliteConnection.ClearAllPools();
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        await CommitJournalAsync(store, "i1", "end n2");

        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync("i1", CancellationToken.None);
        Assert.Equal(["start   flow@abc", "complete n1 Yes fields: email", "end n2  "], journal.Select(e => $"{e.Event} {e.NodeId} {e.Outcome} {e.Detail}"));
        Assert.Equal(("Main", new DateTimeOffset(2026, 1, 1, 0, 0, 2, TimeSpan.Zero)), (journal[1].Lane, journal[1].At));
        Assert.Equal("n1", Assert.Single(await store.GetJournalAsync("i2", CancellationToken.None)).NodeId);
    }

    [Fact]
    public async Task Steps_share_one_writer_connection_whose_statements_stay_prepared_until_the_store_is_disposed()
    {
        string path = _folder.File("prepared.db");
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        await store.SaveFlowVersionAsync("f", "h", "f.flow", "text", CancellationToken.None);
        for (int i = 0; i < 20; i++)
        {
            var state = new InstanceState { Id = "i" + i, FlowName = "f", FlowHash = "h", Status = InstanceStatus.Completed, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() };
            await using IStepTransaction step = await store.BeginStepAsync(CancellationToken.None);
            await step.AppendJournalAsync(new JournalEntry(state.Id, 0, null, null, "start", null, null, Time.GetUtcNow()), CancellationToken.None);
            await step.InsertAsync(state, CancellationToken.None);
            await step.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(1, store.PreparedCount); // twenty starts, one command text: prepared once
        await store.DisposeAsync();
        Assert.Equal(0, store.PreparedCount);
        await CommitJournalAsync(store, "i1", "end n2"); // a write after disposal opens the connection again
        Assert.Equal(["start ", "end n2"], (await store.GetJournalAsync("i1", CancellationToken.None)).Select(e => $"{e.Event} {e.NodeId}"));
        await store.DisposeAsync();
    }

    // One step transaction that appends a journal entry for each "event node" text.
    private static async Task CommitJournalAsync(SqliteInstanceStore store, string instanceId, params string[] entries)
    {
        await using IStepTransaction step = await store.BeginStepAsync(CancellationToken.None);
        foreach (string[] entry in entries.Select(e => e.Split(' ')))
        {
            await step.AppendJournalAsync(new JournalEntry(instanceId, 0, entry[1], null, entry[0], null, null, DateTimeOffset.UnixEpoch), CancellationToken.None);
        }

        await step.CommitAsync(CancellationToken.None);
    }

    // The "detail" column of each row of SQLite's query plan.
    private static async Task<string> PlanAsync(SqliteConnection connection, string sql) =>
        string.Join(" / ", (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql)).Select(r => r.Detail));

    protected override async Task<(IInstanceStore First, IInstanceStore Second)> CreateTwoNodesAsync(NodeLease first, NodeLease second)
    {
        string path = _folder.File(Guid.NewGuid().ToString("N") + ".db");
        var a = new SqliteInstanceStore(path, Time) { Lease = first };
        await a.MigrateAsync(CancellationToken.None);
        return (a, new SqliteInstanceStore(path, Time) { Lease = second });
    }

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new SqliteInstanceStore(_folder.File(Guid.NewGuid().ToString("N") + ".db"), Time);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
