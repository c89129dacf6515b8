using System.Data.Common;
using Dapper;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Relational;
using Npgsql;

namespace FlowRunner.Storage.Postgres;

/// <summary>
/// The store for several nodes on one PostgreSQL (15 or later): the runtime's tables with numbered migrations, steps in
/// READ COMMITTED transactions guarded by the instance's version (of two racing steps the second finds the version
/// moved and is discarded), and pack stores in the same transactions. The same contract suite as SQLite's checks it.
/// </summary>
public sealed class PostgresInstanceStore : RelationalInstanceStore, IAsyncDisposable, IDisposable
{
    // One number for every node's migrations: the first node to start migrates while the others wait for it.
    private const long MigrationLock = 0x466C6F7752756E;
    private readonly NpgsqlDataSource _data;
    private readonly NpgsqlDataSource _readOnly;
    private readonly IReadOnlyDictionary<Type, PostgresPackStore> _packs;

    // Released by the listener for each notification; a wait takes one (or times out).
    private readonly SemaphoreSlim _work = new(0);
    private readonly CancellationTokenSource _stopListening = new();
    private readonly Lock _listenGate = new();
    private Task? _listening;

    /// <summary>Connects with <paramref name="connectionString"/> (<c>Host=...;Database=...</c>), with the stores of activity packs.</summary>
    public PostgresInstanceStore(string connectionString, TimeProvider time, IEnumerable<PostgresPackStore>? packs = null)
        : base("PostgreSQL", time)
    {
        _packs = (packs ?? []).ToDictionary(p => p.StoreType);
        _data = NpgsqlDataSource.Create(Settings(connectionString));
        // A handler's read-only view: the server itself refuses any write through it.
        NpgsqlConnectionStringBuilder readOnly = Settings(connectionString);
        readOnly.Options = "-c default_transaction_read_only=on";
        _readOnly = NpgsqlDataSource.Create(readOnly);
    }

    /// <summary>
    /// The connection settings. Nothing here leaves session state behind (locks are per transaction), so a pooled
    /// connection goes back without a DISCARD ALL: one round trip less each time one is opened. A statement run often is
    /// prepared on its connection (no parse and plan each time: 3-node throughput +30-40%), unless the connection string
    /// says otherwise (<c>Max Auto Prepare=0</c> behind a pooler that cannot keep prepared statements); every query names
    /// its columns, so a later migration that adds one leaves prepared statements valid.
    /// </summary>
    internal static NpgsqlConnectionStringBuilder Settings(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            settings.MaxAutoPrepare = 64;
        }

        return settings;
    }

    /// <inheritdoc/>
    public override async Task MigrateAsync(CancellationToken cancellationToken)
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
                new { script.Source, script.Version, script.Name, at = StoredTime.Format(Time.GetUtcNow()) },
                transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new RelationalStepTransaction(connection, transaction, Stores(connection, transaction), Database, Time, Lease);
    }

    /// <inheritdoc/>
    public override IUnitOfWork OpenReadOnly() => new ReadOnlyUnitOfWork(() =>
    {
        NpgsqlConnection connection = _readOnly.CreateConnection();
        return new RelationalUnitOfWork(connection, null, Stores(connection, null), Database);
    });

    /// <inheritdoc/>
    public override async Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new RelationalUnitOfWork(connection, transaction, Stores(connection, transaction), Database);
    }

    /// <inheritdoc/>
    public override async Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken)
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
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async Task<T> InWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        await using var unit = new RelationalUnitOfWork(connection, transaction, Stores(connection, transaction), Database);
        T result = await work(connection, transaction).ConfigureAwait(false);
        await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
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

    /// <inheritdoc cref="DisposeAsync"/>
    /// <remarks>For containers disposed synchronously.</remarks>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // The registered pack stores, created on the unit's connection and transaction when first asked for.
    private Func<Type, object?> Stores(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        PostgresUnit? unit = null;
        return type => _packs.TryGetValue(type, out PostgresPackStore? pack) ? pack.Create(unit ??= new PostgresUnit(connection, transaction, Time)) : null;
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
