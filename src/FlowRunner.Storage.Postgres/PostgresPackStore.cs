using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Storage.Postgres;

/// <summary>
/// How an activity pack keeps its data in PostgreSQL: its store interface, the implementation over a unit of work, and
/// its numbered migrations. Registered with <see cref="PostgresInstanceStore"/>, which migrates it and hands it out
/// through <see cref="IUnitOfWork.Store{T}"/>.
/// </summary>
public sealed class PostgresPackStore
{
    private PostgresPackStore(Type storeType, Func<PostgresUnit, object> create, IReadOnlyList<MigrationScript> migrations)
    {
        StoreType = storeType;
        Create = create;
        Migrations = migrations;
    }

    /// <summary>The interface the pack's activities ask for.</summary>
    public Type StoreType { get; }

    /// <summary>The pack's migrations.</summary>
    public IReadOnlyList<MigrationScript> Migrations { get; }

    internal Func<PostgresUnit, object> Create { get; }

    /// <summary>A pack store of interface <typeparamref name="T"/>.</summary>
    public static PostgresPackStore For<T>(Func<PostgresUnit, T> create, IReadOnlyList<MigrationScript> migrations)
        where T : class => new(typeof(T), create, migrations);
}
