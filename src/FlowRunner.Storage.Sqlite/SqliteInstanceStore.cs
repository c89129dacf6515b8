using System.Data.Common;
using Dapper;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, numbered migrations, and IMMEDIATE transactions, so
/// writers (threads or processes) queue instead of interleaving. The writes of this process share one connection,
/// kept open until the store is disposed.
/// </summary>
public sealed class SqliteInstanceStore : RelationalInstanceStore, IAsyncDisposable, IDisposable
{
    // Commands kept prepared on the writer connection, at most this many texts (a step's texts are a handful).
    private const int MaxPrepared = 64;

    // Native connections (the pool keeps them, and their settings, across opens) that OpenAsync has configured.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];
    private readonly string _connectionString;
    private readonly string _readOnlyConnectionString;

    // Writers of this process queue here, asynchronously and in order, instead of blocking pool threads in SQLite's busy
    // handler (which sleeps up to 100 ms between tries and lets a newcomer win); other processes still meet the timeout.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _work = new(0, 1); // released when a step of this process sets a timer
    private readonly IReadOnlyDictionary<Type, SqlitePackStore> _packs;

    // Writers queue on _writer anyway, so they share one connection: its statements stay prepared from one transaction
    // to the next (Microsoft.Data.Sqlite prepares every command anew), and its page cache stays valid (a connection
    // drops its cache when another one wrote). Used only while _writer is held.
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _writerConnection;

    // Write transactions since the last background checkpoint, and that checkpoint.
    private int _writesSinceCheckpoint;
    private Task _checkpoint = Task.CompletedTask;

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>, with the stores of activity packs.</summary>
    public SqliteInstanceStore(string path, TimeProvider time, IEnumerable<SqlitePackStore>? packs = null)
        : base("SQLite", time)
    {
        Path = System.IO.Path.GetFullPath(path);
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
    public override async Task MigrateAsync(CancellationToken cancellationToken)
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
                new { script.Source, script.Version, script.Name, at = StoredTime.Format(Time.GetUtcNow()) },
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
    public override async Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken)
    {
        (SqliteConnection connection, SqliteTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new RelationalStepTransaction(connection, transaction, Stores(connection, transaction), Database, Time, Lease, Prepared)
        {
            OwnsConnection = false,
            Released = AfterWrite,
            TimerCommitted = WakeForWork,
        };
    }

    /// <inheritdoc/>
    public override IUnitOfWork OpenReadOnly() => new ReadOnlyUnitOfWork(() =>
    {
        var connection = new SqliteConnection(_readOnlyConnectionString);
        return new RelationalUnitOfWork(connection, null, Stores(connection, null), Database);
    });

    /// <inheritdoc/>
    public override async Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken)
    {
        (SqliteConnection connection, SqliteTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return new RelationalUnitOfWork(connection, transaction, Stores(connection, transaction), Database) { OwnsConnection = false, Released = AfterWrite };
    }

    /// <inheritdoc/>
    /// <remarks>One machine: woken by this process's steps that set a timer.</remarks>
    public override Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken) => _work.WaitAsync(atMost, cancellationToken);

    private void WakeForWork()
    {
        try
        {
            _work.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken
        }
    }

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async Task<T> InWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        (SqliteConnection connection, SqliteTransaction transaction) = await BeginAsync(cancellationToken).ConfigureAwait(false);
        await using var unit = new RelationalUnitOfWork(connection, transaction, Stores(connection, transaction), Database) { OwnsConnection = false, Released = AfterWrite };
        T result = await work(connection, transaction).ConfigureAwait(false);
        await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    // The registered pack stores, created on the unit's connection and transaction when first asked for.
    private Func<Type, object?> Stores(SqliteConnection connection, SqliteTransaction? transaction)
    {
        SqliteUnit? unit = null;
        return type => _packs.TryGetValue(type, out SqlitePackStore? pack) ? pack.Create(unit ??= new SqliteUnit(connection, transaction, Time)) : null;
    }

    /// <summary>Opens a connection with foreign keys on.</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!Configured.TryGetValue(connection.Handle!, out _))
        {
            // WAL with synchronous=NORMAL: durable against process crashes, ordered against power loss. Reads are mapped;
            // the page cache stays small (2 MiB), because a connection drops its whole cache whenever another wrote, and
            // dropping a large one cost more than it saved. The WAL is checkpointed in the background (AfterWrite), by a
            // commit only past 10,000 pages, should those fall behind.
            await connection.ExecuteAsync(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2048; PRAGMA mmap_size = 268435456; PRAGMA wal_autocheckpoint = 10000;").ConfigureAwait(false);
            Configured.AddOrUpdate(connection.Handle!, Configured);
        }

        return connection;
    }

    /// <summary>Write transactions between two background checkpoints.</summary>
    internal const int CheckpointEvery = 100;

    /// <summary>The background checkpoint last started (tests wait for it).</summary>
    internal Task LastCheckpoint => Volatile.Read(ref _checkpoint);

    // A write transaction ended: the next writer may go. Every CheckpointEvery writes, the WAL's pages are copied back to
    // the database on a connection of its own, off the writers' path (a passive checkpoint never blocks a writer),
    // instead of inside the commit that happened to pass SQLite's threshold.
    private void AfterWrite()
    {
        _writer.Release();
        if (Interlocked.Increment(ref _writesSinceCheckpoint) < CheckpointEvery || !_checkpoint.IsCompleted)
        {
            return;
        }

        Interlocked.Exchange(ref _writesSinceCheckpoint, 0);
        Volatile.Write(ref _checkpoint, Task.Run(async () =>
        {
            try
            {
                await using SqliteConnection connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await connection.ExecuteAsync("PRAGMA wal_checkpoint(PASSIVE);").ConfigureAwait(false);
            }
            catch (SqliteException)
            {
                // Busy or failing now: the next one tries again, and commits checkpoint past the threshold anyway.
            }
        }));
    }

    // The command kept for this text on the writer connection (null past MaxPrepared texts: the caller makes its own).
    private SqliteCommand? Prepared(string sql)
    {
        if (!_prepared.TryGetValue(sql, out SqliteCommand? command) && _prepared.Count < MaxPrepared)
        {
            command = _writerConnection!.CreateCommand();
            command.CommandText = sql;
            _prepared.Add(sql, command);
        }

        return command;
    }

    /// <summary>The command texts kept prepared on the writer connection (tests).</summary>
    internal int PreparedCount => _prepared.Count;

    /// <summary>Closes the writer connection (and its prepared statements); a later write opens it again.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        CloseWriter();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    /// <remarks>For containers disposed synchronously; SQLite closes without waiting on anything but a running write.</remarks>
    public void Dispose()
    {
        _writer.Wait();
        CloseWriter();
    }

    // Called holding _writer, which it releases.
    private void CloseWriter()
    {
        try
        {
            foreach (SqliteCommand command in _prepared.Values)
            {
                command.Dispose();
            }

            _prepared.Clear();
            _writerConnection?.Dispose();
            _writerConnection = null;
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<(SqliteConnection, SqliteTransaction)> BeginAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection connection;
        try
        {
            connection = _writerConnection ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
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
            _writer.Release();
            throw;
        }
    }
}
