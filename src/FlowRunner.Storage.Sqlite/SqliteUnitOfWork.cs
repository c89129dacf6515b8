using FlowRunner.Engine.Activities;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Storage.Sqlite;

/// <summary>
/// An IMMEDIATE transaction on one connection, handing out the pack stores registered with the store; without a
/// transaction, a read-only connection (opened by each command) for handlers reading outside any step's commit.
/// </summary>
internal class SqliteUnitOfWork(SqliteConnection connection, SqliteTransaction? transaction, TimeProvider time, IReadOnlyDictionary<Type, SqlitePackStore> packs)
    : IUnitOfWork
{
    private readonly Dictionary<Type, object> _stores = [];

    private int _released;

    protected SqliteUnit Unit { get; } = new(connection, transaction, time);

    /// <summary>The store's own statements: the connection and the transaction.</summary>
    internal (SqliteConnection Connection, SqliteTransaction Transaction) Open => (Unit.Connection, Unit.Transaction!);

    /// <summary>Called once when the unit is disposed: lets the next writer of this process in.</summary>
    public Action? Released { get; init; }

    public T Store<T>()
        where T : class
    {
        if (!_stores.TryGetValue(typeof(T), out object? store))
        {
            if (!packs.TryGetValue(typeof(T), out SqlitePackStore? pack))
            {
                throw new InvalidOperationException(
                    $"no store of type {typeof(T).Name} is registered with the SQLite store: register its pack (e.g. AddIdentityActivities) before using it");
            }

            store = pack.Create(Unit);
            _stores.Add(typeof(T), store);
        }

        return (T)store;
    }

    public virtual async Task CommitAsync(CancellationToken cancellationToken) =>
        await (Unit.Transaction ?? throw new InvalidOperationException(
            "this unit is read-only: a handler writes in ActivityResult.InCommit, inside the step's commit")).CommitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Unit.Transaction is { } transaction)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }

        await Unit.Connection.DisposeAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Released?.Invoke();
        }
    }
}
