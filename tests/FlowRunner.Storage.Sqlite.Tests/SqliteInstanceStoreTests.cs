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
    public async Task Claiming_pruning_and_listing_read_indexes_in_order_and_a_finished_or_waiting_instance_is_in_no_status_index(bool includeOwn)
    {
        await using SqliteConnection connection = await OpenMigratedAsync("plans.db");

        string claim = await PlanAsync(connection, RelationalQueries.RunnableSql("SQLite", includeOwn));
        string prune = await PlanAsync(connection, RelationalQueries.FinishedBeforeSql);
        string listAll = await PlanAsync(connection, RelationalQueries.ListSql(filtered: false));
        string listFlow = await PlanAsync(connection, RelationalQueries.ListSql(filtered: true));
        string[] indexes = [.. await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances' ORDER BY name;")];

        Assert.Contains("USING INDEX ix_instances_running", claim, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_instances_created", prune, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_instances_created", listAll, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_instances_created", listFlow, StringComparison.Ordinal);
        Assert.All([claim, prune, listAll, listFlow], plan => Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal)); // read in order, not sorted
        // A start writes the row and two index entries (its id and its creation); only a running instance is in a third.
        Assert.Equal(["ix_instances_created", "ix_instances_running", "sqlite_autoindex_instances_1"], indexes);
    }

    [Fact]
    public async Task An_instance_s_journal_is_read_and_pruned_by_its_chain_of_rows_and_commits_write_no_journal_index()
    {
        await using SqliteConnection connection = await OpenMigratedAsync("journal.db");

        string read = await PlanAsync(connection, RelationalQueries.JournalSql.Replace("@instanceId", "'i1'", StringComparison.Ordinal));
        string prune = await PlanAsync(connection, RelationalQueries.PruneJournalSql("'i1', 'i2'"));
        string[] indexes = [.. await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal_commits';")];

        // Each row is found by its seq (the table's own key), from the instance's last row back; no journal row is scanned.
        Assert.All([read, prune], plan => Assert.Contains("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)", plan, StringComparison.Ordinal));
        Assert.All([read, prune], plan => Assert.DoesNotMatch(@"SCAN (c|journal_commits)( |$)", plan));
        Assert.Empty(indexes);
    }

    [Fact]
    public async Task Finding_a_waiting_instance_by_a_variable_reads_only_the_branches_waiting_at_its_node()
    {
        await using SqliteConnection connection = await OpenMigratedAsync("waiting.db");

        string plan = await PlanAsync(connection, RelationalQueries.FindWaitingSql);

        Assert.StartsWith("SEARCH b USING INDEX ix_branches_waiting (node_id=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
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

    // A connection to a new database with every migration applied.
    private async Task<SqliteConnection> OpenMigratedAsync(string name)
    {
        string path = _folder.File(name);
        await new SqliteInstanceStore(path, Time).MigrateAsync(CancellationToken.None);
        var connection = new SqliteConnection("Data Source=" + path);
        await connection.OpenAsync();
        return connection;
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

    protected override async Task<IInstanceStore> CreateStoreBeforeJournalCommitsAsync(string oldRowsSql)
    {
        string path = _folder.File(Guid.NewGuid().ToString("N") + ".db");
        await using (var old = new SqliteConnection("Data Source=" + path))
        {
            await old.OpenAsync();
            await old.ExecuteAsync("CREATE TABLE schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (source, version));");
            foreach (MigrationScript script in MigrationScript.FromResources(typeof(SqliteInstanceStore).Assembly, "runtime").Where(s => s.Version < 9))
            {
                await old.ExecuteAsync(script.Sql);
                await old.ExecuteAsync("INSERT INTO schema_migrations VALUES ('runtime', @Version, @Name, 'then');", script);
            }

            await old.ExecuteAsync(oldRowsSql);
        }

        SqliteConnection.ClearAllPools();
        return new SqliteInstanceStore(path, Time);
    }

    protected override async Task<long> CountJournalRowsAsync(IInstanceStore store, string instanceId)
    {
        await using var connection = new SqliteConnection("Data Source=" + ((SqliteInstanceStore)store).Path);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal_commits WHERE instance_id = @instanceId;", new { instanceId });
    }

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new SqliteInstanceStore(_folder.File(Guid.NewGuid().ToString("N") + ".db"), Time);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
