using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Engine.Tests.Support;

/// <summary>A test pack's table of records, written in the step's transaction: it shows whether a handler's writes committed.</summary>
public sealed class RecordStore(SqliteUnit unit)
{
    public static SqlitePackStore Pack { get; } = SqlitePackStore.For(
        unit => new RecordStore(unit),
        [new MigrationScript("test-records", 1, "0001_create_records.sql", "CREATE TABLE records (instance_id TEXT, node_id TEXT);")]);

    public Task RecordAsync(string instanceId, string nodeId) =>
        unit.Connection.ExecuteAsync("INSERT INTO records VALUES (@instanceId, @nodeId);", new { instanceId, nodeId }, unit.Transaction);
}
