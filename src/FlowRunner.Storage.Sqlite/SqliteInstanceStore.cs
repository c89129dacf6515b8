using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, numbered migrations, and IMMEDIATE transactions, so
/// writers (threads or processes) queue instead of interleaving.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The writer semaphore never allocates a wait handle: nothing to dispose.")]
public sealed class SqliteInstanceStore : IInstanceStore
{
    private const string SummaryColumns = "id, flow_name, flow_hash, status, version, created_at, updated_at";
    private readonly string _connectionString;
    private readonly string _readOnlyConnectionString;

    // Writers of this process queue here, asynchronously and in order, instead of blocking pool threads in SQLite's busy
    // handler (which sleeps up to 100 ms between tries and lets a newcomer win); other processes still meet the timeout.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<Type, SqlitePackStore> _packs;

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>, with the stores of activity packs.</summary>
    public SqliteInstanceStore(string path, TimeProvider time, IEnumerable<SqlitePackStore>? packs = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _time = time;
        _packs = (packs ?? []).ToDictionary(p => p.StoreType);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 60, // seconds a writer waits for another's transaction
            Pooling = true,
        }.ToString();
        _readOnlyConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        CreateOwnerOnly(Path);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (source, version));").ConfigureAwait(false);
        var applied = (await connection.QueryAsync<(string Source, long Version)>("SELECT source, version FROM schema_migrations;").ConfigureAwait(false)).ToHashSet();
        IEnumerable<MigrationScript> scripts = MigrationScript.FromResources(typeof(SqliteInstanceStore).Assembly, "runtime")
            .Concat(_packs.Values.SelectMany(p => p.Migrations));
        foreach (MigrationScript script in scripts.Where(s => !applied.Contains((s.Source, s.Version))))
        {
            // Each script and its record commit together: a failed script leaves no half schema and runs again next time.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(script.Sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (source, version, name, applied_at) VALUES (@Source, @Version, @Name, @at);",
                new { script.Source, script.Version, script.Name, at = StoredTime.Format(_time.GetUtcNow()) },
                transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The database holds password hashes, tokens' hashes and the outbox: a new file is readable by its owner only,
    // and SQLite gives its -wal and -shm files the database file's permissions.
    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first.
        }
    }

    /// <inheritdoc/>
    public async Task SaveFlowVersionAsync(string name, string hash, string sourcePath, string source, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO flow_versions (hash, name, source_path, source, created_at) VALUES (@hash, @name, @sourcePath, @source, @at) ON CONFLICT (hash) DO NOTHING;",
            new { hash, name, sourcePath, source, at = StoredTime.Format(_time.GetUtcNow()) }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredFlowVersion?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<(string Name, string SourcePath, string Source)?>(
            "SELECT name, source_path, source FROM flow_versions WHERE hash = @hash;", new { hash }).ConfigureAwait(false);
        return row is { } r ? new StoredFlowVersion(r.Name, r.SourcePath, r.Source) : null;
    }

    /// <inheritdoc/>
    public async Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken)
    {
        (SqliteConnection connection, SqliteTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteStepTransaction(connection, transaction, _time, _packs) { Released = () => _writer.Release() };
    }

    /// <inheritdoc/>
    public IUnitOfWork OpenReadOnly() => new SqliteUnitOfWork(new SqliteConnection(_readOnlyConnectionString), null, _time, _packs);

    /// <inheritdoc/>
    public async Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken)
    {
        (SqliteConnection connection, SqliteTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteUnitOfWork(connection, transaction, _time, _packs) { Released = () => _writer.Release() };
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
            "SELECT instance_id, branch_id, due_at FROM timers WHERE due_at <= @now ORDER BY due_at;",
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
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string? flowName, int limit, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Id, string FlowName, string FlowHash, string Status, long Version, string CreatedAt, string UpdatedAt)>(
            flowName is null
                ? $"SELECT {SummaryColumns} FROM instances ORDER BY created_at DESC LIMIT @limit;"
                : $"SELECT {SummaryColumns} FROM instances WHERE flow_name = @flowName ORDER BY created_at DESC LIMIT @limit;",
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

    /// <inheritdoc/>
    public async Task<string?> FindWaitingInstanceAsync(string flowName, string nodeId, string variable, JsonElement value, CancellationToken cancellationToken)
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

    /// <inheritdoc/>
    public async Task<int> PruneAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        // 500 instances per transaction: the write lock is never held for long, whatever the backlog.
        int deleted = 0;
        while (true)
        {
            await using IUnitOfWork work = await BeginWorkAsync(cancellationToken).ConfigureAwait(false);
            (SqliteConnection connection, SqliteTransaction transaction) = ((SqliteUnitOfWork)work).Open;
            await connection.ExecuteAsync(
                """
                    CREATE TEMP TABLE IF NOT EXISTS pruned (id TEXT PRIMARY KEY);
                    DELETE FROM temp.pruned;
                    INSERT INTO temp.pruned SELECT id FROM instances
                        WHERE status IN ('Completed', 'Faulted') AND updated_at < @before LIMIT 500;
                    DELETE FROM journal WHERE instance_id IN (SELECT id FROM temp.pruned);
                    DELETE FROM branches WHERE instance_id IN (SELECT id FROM temp.pruned);
                    DELETE FROM variables WHERE instance_id IN (SELECT id FROM temp.pruned);
                    DELETE FROM timers WHERE instance_id IN (SELECT id FROM temp.pruned);
                    DELETE FROM instances WHERE id IN (SELECT id FROM temp.pruned);
                    """,
                new { before = StoredTime.Format(finishedBefore) }, transaction).ConfigureAwait(false);
            long instances = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM temp.pruned;", transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < @before;",
                new { before = StoredTime.Format(finishedBefore) }, transaction).ConfigureAwait(false);
            await work.CommitAsync(cancellationToken).ConfigureAwait(false);
            deleted += (int)instances;
            if (instances < 500)
            {
                return deleted;
            }
        }
    }

    /// <inheritdoc/>
    public async Task MarkOutboxSentAsync(IReadOnlyCollection<long> ids, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using IUnitOfWork work = await BeginWorkAsync(cancellationToken).ConfigureAwait(false);
        (SqliteConnection connection, SqliteTransaction transaction) = ((SqliteUnitOfWork)work).Open;
        await connection.ExecuteAsync("UPDATE outbox SET payload = '{}', sent_at = @sentAt WHERE id IN @ids AND sent_at IS NULL;",
            new { ids, sentAt = StoredTime.Format(sentAt) }, transaction).ConfigureAwait(false);
        await work.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Id, string InstanceId, string Kind, string Payload, string CreatedAt)>(
            "SELECT id, instance_id, kind, payload, created_at FROM outbox WHERE id > @afterId ORDER BY id LIMIT @limit;",
            new { afterId, limit }).ConfigureAwait(false);
        return [.. rows.Select(r =>
        {
            using JsonDocument payload = JsonDocument.Parse(r.Payload);
            return new OutboxMessage(r.Id, r.InstanceId, r.Kind, payload.RootElement.Clone(), StoredTime.Parse(r.CreatedAt));
        })];
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

    private async Task<(SqliteConnection, SqliteTransaction)> BeginAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _writer.Release();
            throw;
        }

        try
        {
            // Microsoft.Data.Sqlite issues BEGIN IMMEDIATE for a non-deferred transaction: the write lock is taken now.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            _writer.Release();
            throw;
        }
    }
}
