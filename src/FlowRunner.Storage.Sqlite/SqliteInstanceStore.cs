using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, numbered migrations, and one IMMEDIATE transaction
/// per step, so writers (threads or processes) queue instead of interleaving.
/// </summary>
public sealed partial class SqliteInstanceStore : IInstanceStore
{
    private static int _initialised;
    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>.</summary>
    public SqliteInstanceStore(string path)
    {
        if (Interlocked.Exchange(ref _initialised, 1) == 0)
        {
            SQLitePCL.Batteries_V2.Init();
        }

        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 60, // seconds a writer waits for another's transaction
            Pooling = true,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Creates or upgrades the runtime's schema.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync([], cancellationToken);

    /// <inheritdoc/>
    public async Task MigrateAsync(IEnumerable<MigrationScript> packScripts, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (source, version));").ConfigureAwait(false);
        var applied = (await connection.QueryAsync<(string Source, long Version)>("SELECT source, version FROM schema_migrations;").ConfigureAwait(false)).ToHashSet();
        foreach (MigrationScript script in MigrationScript.FromResources(typeof(SqliteInstanceStore).Assembly, "runtime").Concat(packScripts))
        {
            if (applied.Contains((script.Source, script.Version)))
            {
                continue;
            }

            // Each script and its record commit together: a failed script leaves no half schema and runs again next time.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(script.Sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (source, version, name, applied_at) VALUES (@Source, @Version, @Name, @at);",
                new { script.Source, script.Version, script.Name, at = StoredTime.Format(DateTimeOffset.UtcNow) },
                transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task SaveFlowVersionAsync(string name, string hash, string sourcePath, string source, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO flow_versions (hash, name, source_path, source, created_at) VALUES (@hash, @name, @sourcePath, @source, @at) ON CONFLICT (hash) DO NOTHING;",
            new { hash, name, sourcePath, source, at = StoredTime.Format(DateTimeOffset.UtcNow) }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<(string SourcePath, string Source)?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        FlowVersionRow? row = await connection.QuerySingleOrDefaultAsync<FlowVersionRow>(
            "SELECT source_path AS SourcePath, source AS Source FROM flow_versions WHERE hash = @hash;", new { hash }).ConfigureAwait(false);
        return row is null ? null : (row.SourcePath, row.Source);
    }

    /// <inheritdoc/>
    public async Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken)
    {
        SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Microsoft.Data.Sqlite issues BEGIN IMMEDIATE for a non-deferred transaction: the write lock is taken now.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
            return new SqliteStepTransaction(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> FindRunnableAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return [.. await connection.QueryAsync<string>(
            "SELECT id FROM instances WHERE status = 'Running' ORDER BY created_at;").ConfigureAwait(false)];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string InstanceId, string BranchId, string DueAt)>(
            "SELECT instance_id AS InstanceId, branch_id AS BranchId, due_at AS DueAt FROM timers WHERE due_at <= @now ORDER BY due_at;",
            new { now = StoredTime.Format(now) }).ConfigureAwait(false);
        return [.. rows.Select(r => new DueTimer(r.InstanceId, r.BranchId, StoredTime.Parse(r.DueAt)))];
    }

    /// <inheritdoc/>
    public async Task<InstanceState?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteStepTransaction.LoadAsync(connection, null, instanceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Id, string FlowName, string FlowHash, string Status, long Version, string CreatedAt, string UpdatedAt)>(
            "SELECT id, flow_name, flow_hash, status, version, created_at, updated_at FROM instances ORDER BY created_at DESC LIMIT @limit;",
            new { limit }).ConfigureAwait(false);
        return [.. rows.Select(r => new InstanceSummary(r.Id, r.FlowName, r.FlowHash, Enum.Parse<InstanceStatus>(r.Status), (int)r.Version,
            StoredTime.Parse(r.CreatedAt), StoredTime.Parse(r.UpdatedAt)))];
    }

    /// <summary>The newest instances of one flow, newest first.</summary>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string flowName, int limit, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Id, string FlowName, string FlowHash, string Status, long Version, string CreatedAt, string UpdatedAt)>(
            "SELECT id, flow_name, flow_hash, status, version, created_at, updated_at FROM instances WHERE flow_name = @flowName ORDER BY created_at DESC LIMIT @limit;",
            new { flowName, limit }).ConfigureAwait(false);
        return [.. rows.Select(r => new InstanceSummary(r.Id, r.FlowName, r.FlowHash, Enum.Parse<InstanceStatus>(r.Status), (int)r.Version,
            StoredTime.Parse(r.CreatedAt), StoredTime.Parse(r.UpdatedAt)))];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Seq, string? NodeId, string? Lane, string Event, string? Outcome, string? Detail, string At)>(
            "SELECT seq, node_id, lane, event, outcome, detail, at FROM journal WHERE instance_id = @instanceId ORDER BY seq;",
            new { instanceId }).ConfigureAwait(false);
        return [.. rows.Select(r => new JournalEntry(instanceId, r.Seq, r.NodeId, r.Lane, r.Event, r.Outcome, r.Detail, StoredTime.Parse(r.At)))];
    }

    /// <summary>The newest instance of a flow whose branch waits at a node and whose variable has a value, or null.</summary>
    public async Task<string?> FindWaitingInstanceAsync(string flowName, string nodeId, string variable, System.Text.Json.JsonElement value, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<string?>(
            """
            SELECT i.id FROM instances i
            JOIN branches b ON b.instance_id = i.id AND b.node_id = @nodeId AND b.status = 'Waiting'
            JOIN variables v ON v.instance_id = i.id AND v.name = @variable AND v.value = @value
            WHERE i.flow_name = @flowName
            ORDER BY i.created_at DESC LIMIT 1;
            """,
            new { flowName, nodeId, variable, value = value.GetRawText() }).ConfigureAwait(false);
    }

    /// <summary>Opens a connection with foreign keys on.</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL with synchronous=NORMAL: a commit is durable against process crashes and ordered against power loss.
        // A 64 MiB page cache and memory-mapped reads keep lookups flat as the number of stored instances grows.
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;").ConfigureAwait(false);
        return connection;
    }

    private sealed class FlowVersionRow
    {
        public string SourcePath { get; set; } = string.Empty;

        public string Source { get; set; } = string.Empty;
    }
}
