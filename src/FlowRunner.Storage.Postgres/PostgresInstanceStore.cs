using System.Data.Common;
using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Storage.Relational;
using Npgsql;

namespace FlowRunner.Storage.Postgres;

/// <summary>
/// The store for several nodes on one PostgreSQL (15 or later): the runtime's tables with numbered migrations, steps in
/// READ COMMITTED transactions guarded by the instance's version (of two racing steps the second finds the version
/// moved and is discarded), and pack stores in the same transactions. The same contract suite as SQLite's checks it.
/// </summary>
public sealed class PostgresInstanceStore : IInstanceStore, IAsyncDisposable
{
    private const string Database = "PostgreSQL";

    // One number for every node's migrations: the first node to start migrates while the others wait for it.
    private const long MigrationLock = 0x466C6F7752756E;
    private readonly NpgsqlDataSource _data;
    private readonly NpgsqlDataSource _readOnly;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<Type, PostgresPackStore> _packs;

    // Released by the listener for each notification; a wait takes one (or times out).
    private readonly SemaphoreSlim _work = new(0);
    private readonly CancellationTokenSource _stopListening = new();
    private readonly Lock _listenGate = new();
    private Task? _listening;

    /// <summary>Connects with <paramref name="connectionString"/> (<c>Host=...;Database=...</c>), with the stores of activity packs.</summary>
    public PostgresInstanceStore(string connectionString, TimeProvider time, IEnumerable<PostgresPackStore>? packs = null)
    {
        _time = time;
        _packs = (packs ?? []).ToDictionary(p => p.StoreType);
        // Nothing here leaves session state behind (locks are per transaction), so a pooled connection goes back without
        // a DISCARD ALL: one round trip less each time a step, read or claim opens one.
        _data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true });
        // A handler's read-only view: the server itself refuses any write through it.
        _readOnly = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c default_transaction_read_only=on", NoResetOnClose = true });
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
        await RelationalQueries.SaveFlowVersionAsync(connection, name, hash, sourcePath, source, _time.GetUtcNow()).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredFlowVersion?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.LoadFlowVersionAsync(connection, hash).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new RelationalStepTransaction(connection, transaction, Stores(connection, transaction), Database, _time, Lease);
    }

    /// <inheritdoc/>
    public IUnitOfWork OpenReadOnly()
    {
        NpgsqlConnection connection = _readOnly.CreateConnection();
        return new RelationalUnitOfWork(connection, null, Stores(connection, null), Database);
    }

    /// <inheritdoc/>
    public async Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new RelationalUnitOfWork(connection, transaction, Stores(connection, transaction), Database);
    }

    /// <inheritdoc/>
    public NodeLease Lease { get; init; } = NodeLease.ForThisProcess();

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ClaimRunnableAsync(int limit, bool includeOwn, CancellationToken cancellationToken) =>
        InWriteAsync((connection, transaction) => RelationalQueries.ClaimRunnableAsync(connection, transaction, Database, Lease, limit, includeOwn), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> ClaimAsync(string instanceId, int? atVersion, CancellationToken cancellationToken) =>
        InWriteAsync((connection, transaction) => RelationalQueries.ClaimAsync(connection, transaction, Database, Lease, instanceId, atVersion), cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseLeasesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) => instanceIds.Count == 0 ? Task.CompletedTask
        : InWriteAsync((connection, transaction) => RelationalQueries.ReleaseLeasesAsync(connection, transaction, Database, Lease, instanceIds), cancellationToken);

    /// <inheritdoc/>
    public async Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        lock (_listenGate)
        {
            _listening ??= ListenAsync(_stopListening.Token);
        }

        await _work.WaitAsync(atMost, cancellationToken).ConfigureAwait(false);
    }

    // A connection of its own LISTENs for nodes giving work up, and wakes WaitForWorkAsync; when it fails it connects
    // again after a second, and meanwhile the waits time out: polling.
    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using NpgsqlConnection connection = await _data.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, _) => _work.Release();
                await connection.ExecuteAsync($"LISTEN {RelationalQueries.WorkChannel};").ConfigureAwait(false);
                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public Task RenewLeasesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) => instanceIds.Count == 0 ? Task.CompletedTask
        : InWriteAsync((connection, transaction) => RelationalQueries.RenewLeasesAsync(connection, transaction, Database, Lease, instanceIds), cancellationToken);

    /// <inheritdoc/>
    public async Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.NextTimerDueAsync(connection).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.FindDueTimersAsync(connection, now).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<InstanceState?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.GetAsync(connection, instanceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string? flowName, int limit, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.ListAsync(connection, flowName, limit).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.GetJournalAsync(connection, instanceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string?> FindWaitingInstanceAsync(string flowName, string nodeId, string variable, JsonElement value, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.FindWaitingInstanceAsync(connection, flowName, nodeId, variable, value).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<int> PruneAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken) =>
        RelationalQueries.PruneAsync(InWriteAsync, finishedBefore, _time.GetUtcNow(), cancellationToken);

    /// <inheritdoc/>
    public Task<TimeSpan?> TakeTokenAsync(string key, double capacity, double perSecond, CancellationToken cancellationToken) =>
        InWriteAsync((connection, transaction) => RelationalQueries.TakeTokenAsync(connection, transaction, key, capacity, perSecond, _time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);

    // One short transaction of its own around a statement or two.
    private async Task<T> InWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        await using var unit = new RelationalUnitOfWork(connection, transaction, Stores(connection, transaction), Database);
        T result = await work(connection, transaction).ConfigureAwait(false);
        await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public async Task MarkOutboxSentAsync(IReadOnlyCollection<long> ids, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await RelationalQueries.MarkOutboxSentAsync(connection, null, ids, sentAt).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.ReadOutboxAsync(connection, afterId, limit).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopListening.CancelAsync().ConfigureAwait(false);
        if (_listening is not null)
        {
            try
            {
                await _listening.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopListening.Dispose();
        _work.Dispose();
        await _data.DisposeAsync().ConfigureAwait(false);
        await _readOnly.DisposeAsync().ConfigureAwait(false);
    }

    // The registered pack stores, created on the unit's connection and transaction when first asked for.
    private Func<Type, object?> Stores(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        PostgresUnit? unit = null;
        return type => _packs.TryGetValue(type, out PostgresPackStore? pack) ? pack.Create(unit ??= new PostgresUnit(connection, transaction, _time)) : null;
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
