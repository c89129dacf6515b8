using FlowRunner.Engine.Activities;
using Npgsql;

namespace FlowRunner.Storage.Postgres;

/// <summary>
/// A transaction on one connection, handing out the pack stores registered with the store; without a transaction, a
/// read-only connection (each command sees what is committed, and any write is refused by the server).
/// </summary>
internal class PostgresUnitOfWork(NpgsqlConnection connection, NpgsqlTransaction? transaction, TimeProvider time, IReadOnlyDictionary<Type, PostgresPackStore> packs)
    : IUnitOfWork
{
    private readonly Dictionary<Type, object> _stores = [];

    protected PostgresUnit Unit { get; } = new(connection, transaction, time);

    public T Store<T>()
        where T : class
    {
        if (!_stores.TryGetValue(typeof(T), out object? store))
        {
            if (!packs.TryGetValue(typeof(T), out PostgresPackStore? pack))
            {
                throw new InvalidOperationException(
                    $"no store of type {typeof(T).Name} is registered with the PostgreSQL store: register its pack (e.g. AddIdentityActivities) before using it");
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
        if (Unit.Transaction is { } open)
        {
            await open.DisposeAsync().ConfigureAwait(false);
        }

        await Unit.Connection.DisposeAsync().ConfigureAwait(false);
    }
}
