using System.Data.Common;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Storage.Relational;

/// <summary>
/// A transaction on one connection, handing out the pack stores registered with the store; without a transaction, a
/// read-only connection whose reads each see what is committed. Disposing without committing rolls everything back.
/// </summary>
internal class RelationalUnitOfWork(DbConnection connection, DbTransaction? transaction, Func<Type, object?> createStore, string database) : IUnitOfWork
{
    private readonly Dictionary<Type, object> _stores = [];
    private int _released;

    public DbConnection Connection { get; } = connection;

    public DbTransaction? Transaction { get; } = transaction;

    /// <summary>False when the connection outlives the unit (SQLite's writer connection): disposing the unit leaves it open.</summary>
    public bool OwnsConnection { get; init; } = true;

    /// <summary>Called once when the unit is disposed (SQLite lets the next writer of this process in).</summary>
    public Action? Released { get; init; }

    public T Store<T>()
        where T : class
    {
        if (!_stores.TryGetValue(typeof(T), out object? store))
        {
            store = createStore(typeof(T)) ?? throw new InvalidOperationException(
                $"no store of type {typeof(T).Name} is registered with the {database} store: register its pack (e.g. AddIdentityActivities) before using it");
            _stores.Add(typeof(T), store);
        }

        return (T)store;
    }

    public virtual async Task CommitAsync(CancellationToken cancellationToken) =>
        await (Transaction ?? throw new InvalidOperationException(
            "this unit is read-only: a handler writes in ActivityResult.InCommit, inside the step's commit")).CommitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Transaction is { } open)
        {
            await open.DisposeAsync().ConfigureAwait(false);
        }

        if (OwnsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Released?.Invoke();
        }
    }
}

/// <summary>
/// A read-only unit whose connection is made when a pack store is first asked for: every handler gets one, and most
/// read nothing.
/// </summary>
internal sealed class ReadOnlyUnitOfWork(Func<RelationalUnitOfWork> open) : IUnitOfWork
{
    private RelationalUnitOfWork? _unit;

    public T Store<T>()
        where T : class => (_unit ??= open()).Store<T>();

    public Task CommitAsync(CancellationToken cancellationToken) => (_unit ??= open()).CommitAsync(cancellationToken);

    public ValueTask DisposeAsync() => _unit?.DisposeAsync() ?? ValueTask.CompletedTask;
}
