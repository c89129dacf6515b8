using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Engine.Worker;

/// <summary>The worker's own table of effects, written inside the step's transaction like any pack's data.</summary>
internal sealed class EffectStore(SqliteUnit unit)
{
    public static SqlitePackStore Pack { get; } = SqlitePackStore.For(
        unit => new EffectStore(unit),
        [new MigrationScript("worker", 1, "0001_create_effects.sql", "CREATE TABLE effects (instance_id TEXT NOT NULL, node_id TEXT NOT NULL);")]);

    public Task RecordAsync(string instanceId, string nodeId) =>
        unit.Connection.ExecuteAsync("INSERT INTO effects (instance_id, node_id) VALUES (@instanceId, @nodeId);", new { instanceId, nodeId }, unit.Transaction);
}
