using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using Npgsql;

namespace FlowRunner.Storage.Postgres;

/// <summary>
/// The store for several nodes on one PostgreSQL (15 or later): the runtime's tables with numbered migrations, steps in
/// READ COMMITTED transactions guarded by the instance's version (of two racing steps the second finds the version
/// moved and is discarded), and pack stores in the same transactions. The same contract suite as SQLite's checks it.
/// </summary>
public sealed class PostgresInstanceStore : IInstanceStore, IAsyncDisposable
{
    private const string SummaryColumns = "id, flow_name, flow_hash, status, version, created_at, updated_at";

    // One number for every node's migrations: the first node to start migrates while the others wait for it.
    private const long MigrationLock = 0x466C6F7752756E;
    private readonly NpgsqlDataSource _data;
    private readonly NpgsqlDataSource _readOnly;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<Type, PostgresPackStore> _packs;

    /// <summary>Connects with <paramref name="connectionString"/> (<c>Host=...;Database=...</c>), with the stores of activity packs.</summary>
    public PostgresInstanceStore(string connectionString, TimeProvider time, IEnumerable<PostgresPackStore>? packs = null)
    {
        _time = time;
        _packs = (packs ?? []).ToDictionary(p => p.StoreType);
        _data = NpgsqlDataSource.Create(connectionString);
        // A handler's read-only view: the server itself refuses any write through it.
        _readOnly = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c default_transaction_read_only=on" });
    }

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@MigrationLock);", new { MigrationLock }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (source, version));",
            transaction: transaction).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<(string Source, int Version)>("SELECT source, version FROM schema_migrations;", transaction: transaction).ConfigureAwait(false)).ToHashSet();
        IEnumerable<MigrationScript> scripts = MigrationScript.FromResources(typeof(PostgresInstanceStore).Assembly, "runtime")
            .Concat(_packs.Values.SelectMany(p => p.Migrations));
        foreach (MigrationScript script in scripts.Where(s => !applied.Contains((s.Source, s.Version))))
        {
            // PostgreSQL's DDL is transactional: every script and its record commit together, or none does.
            await connection.ExecuteAsync(script.Sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (source, version, name, applied_at) VALUES (@Source, @Version, @Name, @at);",
                new { script.Source, script.Version, script.Name, at = StoredTime.Format(_time.GetUtcNow()) },
                transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task SaveFlowVersionAsync(string name, string hash, string sourcePath, string source, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO flow_versions (hash, name, source_path, source, created_at) VALUES (@hash, @name, @sourcePath, @source, @at) ON CONFLICT (hash) DO NOTHING;",
            new { hash, name, sourcePath, source, at = StoredTime.Format(_time.GetUtcNow()) }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredFlowVersion?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<(string Name, string SourcePath, string Source)?>(
            "SELECT name, source_path, source FROM flow_versions WHERE hash = @hash;", new { hash }).ConfigureAwait(false);
        return row is { } r ? new StoredFlowVersion(r.Name, r.SourcePath, r.Source) : null;
    }

    /// <inheritdoc/>
    public async Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new PostgresStepTransaction(connection, transaction, _time, _packs);
    }

    /// <inheritdoc/>
    public IUnitOfWork OpenReadOnly() => new PostgresUnitOfWork(_readOnly.CreateConnection(), null, _time, _packs);

    /// <inheritdoc/>
    public async Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new PostgresUnitOfWork(connection, transaction, _time, _packs);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> FindRunnableAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return [.. await connection.QueryAsync<string>("SELECT id FROM instances WHERE status = 'Running' ORDER BY created_at;").ConfigureAwait(false)];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string InstanceId, string BranchId, string DueAt)>(
            "SELECT instance_id, branch_id, due_at FROM timers WHERE due_at <= @now ORDER BY due_at;",
            new { now = StoredTime.Format(now) }).ConfigureAwait(false);
        return [.. rows.Select(r => new DueTimer(r.InstanceId, r.BranchId, StoredTime.Parse(r.DueAt)))];
    }

    /// <inheritdoc/>
    public async Task<InstanceState?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresStepTransaction.LoadAsync(connection, null, instanceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string? flowName, int limit, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Seq, string? NodeId, string? Lane, string Event, string? Outcome, string? Detail, string At)>(
            "SELECT seq, node_id, lane, event, outcome, detail, at FROM journal WHERE instance_id = @instanceId ORDER BY seq;",
            new { instanceId }).ConfigureAwait(false);
        return [.. rows.Select(r => new JournalEntry(instanceId, r.Seq, r.NodeId, r.Lane, r.Event, r.Outcome, r.Detail, StoredTime.Parse(r.At)))];
    }

    /// <inheritdoc/>
    public async Task<string?> FindWaitingInstanceAsync(string flowName, string nodeId, string variable, JsonElement value, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        // 500 instances per transaction: no lock is held for long, whatever the backlog.
        int deleted = 0;
        string before = StoredTime.Format(finishedBefore);
        while (true)
        {
            await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            string[] ids = [.. await connection.QueryAsync<string>(
                "SELECT id FROM instances WHERE status IN ('Completed', 'Faulted') AND updated_at < @before LIMIT 500 FOR UPDATE SKIP LOCKED;",
                new { before }, transaction).ConfigureAwait(false)];
            await connection.ExecuteAsync(
                """
                DELETE FROM journal WHERE instance_id = ANY(@ids);
                DELETE FROM timers WHERE instance_id = ANY(@ids);
                DELETE FROM instances WHERE id = ANY(@ids);
                DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < @before;
                """,
                new { ids, before }, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            deleted += ids.Length;
            if (ids.Length < 500)
            {
                return deleted;
            }
        }
    }

    /// <inheritdoc/>
    public async Task MarkOutboxSentAsync(IReadOnlyCollection<long> ids, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE outbox SET payload = '{}', sent_at = @sentAt WHERE id = ANY(@ids) AND sent_at IS NULL;",
            new { ids = ids.ToArray(), sentAt = StoredTime.Format(sentAt) }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Id, string InstanceId, string Kind, string Payload, string CreatedAt)>(
            "SELECT id, instance_id, kind, payload, created_at FROM outbox WHERE id > @afterId ORDER BY id LIMIT @limit;",
            new { afterId, limit }).ConfigureAwait(false);
        return [.. rows.Select(r =>
        {
            using JsonDocument payload = JsonDocument.Parse(r.Payload);
            return new OutboxMessage(r.Id, r.InstanceId, r.Kind, payload.RootElement.Clone(), StoredTime.Parse(r.CreatedAt));
        })];
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _data.DisposeAsync().ConfigureAwait(false);
        await _readOnly.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<(NpgsqlConnection, NpgsqlTransaction)> BeginAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
