using System.Data.Common;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Postgres;
using FlowRunner.Storage.Relational;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Gateway.Data;

/// <summary>
/// The gateway's replay store in SQL that SQLite and PostgreSQL both speak (each has its own migrations), and its budgets
/// in the runtime's shared buckets, inside the unit of work's transaction: each check-and-change is one conditional
/// statement, atomic under SQLite's write lock and under PostgreSQL's row lock alike.
/// </summary>
internal sealed class SqlGatewayStore(DbConnection connection, DbTransaction? transaction) : IGatewayStore
{
    /// <summary>The pack store and migrations, for <see cref="SqliteInstanceStore"/>.</summary>
    public static SqlitePackStore SqlitePack { get; } = SqlitePackStore.For<IGatewayStore>(
        unit => new SqlGatewayStore(unit.Connection, unit.Transaction), MigrationScript.FromResources(typeof(SqlGatewayStore).Assembly, "gateway"));

    /// <summary>The pack store and migrations, for <see cref="PostgresInstanceStore"/>.</summary>
    public static PostgresPackStore PostgresPack { get; } = PostgresPackStore.For<IGatewayStore>(
        unit => new SqlGatewayStore(unit.Connection, unit.Transaction), MigrationScript.FromResources(typeof(SqlGatewayStore).Assembly, "gateway", "PostgresMigrations."));

    public async Task<bool> ReserveAsync(string deviceSessionId, string requestId, long expiresMs) =>
        await connection.ExecuteAsync(
            "INSERT INTO gateway_replay (device_session_id, request_id, expires_ms) VALUES (@deviceSessionId, @requestId, @expiresMs) ON CONFLICT DO NOTHING;",
            new { deviceSessionId, requestId, expiresMs }, transaction).ConfigureAwait(false) == 1;

    public Task<TimeSpan?> TakeAsync(string key, double capacity, double perSecond, long nowMs) =>
        RelationalQueries.TakeTokenAsync(connection, transaction, key, capacity, perSecond, nowMs);

    public Task<int> PruneAsync(long nowMs) =>
        connection.ExecuteAsync("DELETE FROM gateway_replay WHERE expires_ms < @nowMs;", new { nowMs }, transaction);
}
