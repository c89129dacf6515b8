using System.Data.Common;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Postgres;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Engine.Worker;

/// <summary>The worker's own table of effects, written inside the step's transaction like any pack's data.</summary>
internal sealed class EffectStore(DbConnection connection, DbTransaction? transaction)
{
    private static readonly MigrationScript[] Migrations =
        [new MigrationScript("worker", 1, "0001_create_effects.sql", "CREATE TABLE effects (instance_id TEXT NOT NULL, node_id TEXT NOT NULL, worker TEXT NOT NULL);")];

    public static SqlitePackStore SqlitePack { get; } = SqlitePackStore.For(unit => new EffectStore(unit.Connection, unit.Transaction), Migrations);

    public static PostgresPackStore PostgresPack { get; } = PostgresPackStore.For(unit => new EffectStore(unit.Connection, unit.Transaction), Migrations);

    public Task RecordAsync(string instanceId, string nodeId, string worker) =>
        connection.ExecuteAsync("INSERT INTO effects (instance_id, node_id, worker) VALUES (@instanceId, @nodeId, @worker);", new { instanceId, nodeId, worker }, transaction);
}
