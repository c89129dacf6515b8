using System.Data.Common;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Postgres;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Gateway.Data;

/// <summary>
/// The gateway's tables in SQL that SQLite and PostgreSQL both speak (each has its own migrations), inside the unit of
/// work's transaction: each check-and-change is one conditional statement, atomic under SQLite's write lock and
/// under PostgreSQL's row lock alike.
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

    public async Task<TimeSpan?> TakeAsync(string key, double capacity, double perSecond, long nowMs)
    {
        double perMs = perSecond / 1000;
        // Refill by the time since the last use (never negative, whatever another node's clock said), up to the
        // capacity, then take one; a bucket with less than one token is left alone.
        const string Refilled = "(CASE WHEN b.tokens + (CASE WHEN @nowMs > b.updated_ms THEN @nowMs - b.updated_ms ELSE 0 END) * @perMs > @capacity THEN @capacity "
            + "ELSE b.tokens + (CASE WHEN @nowMs > b.updated_ms THEN @nowMs - b.updated_ms ELSE 0 END) * @perMs END)";
        int taken = await connection.ExecuteAsync(
            $"""
            INSERT INTO gateway_budgets AS b (key, tokens, updated_ms) VALUES (@key, @capacity - 1, @nowMs)
            ON CONFLICT (key) DO UPDATE SET
                tokens = {Refilled} - 1,
                updated_ms = CASE WHEN @nowMs > b.updated_ms THEN @nowMs ELSE b.updated_ms END
            WHERE {Refilled} >= 1;
            """,
            new { key, capacity, perMs, nowMs }, transaction).ConfigureAwait(false);
        if (taken == 1)
        {
            return null;
        }

        (double tokens, long updated) = await connection.QuerySingleAsync<(double, long)>(
            "SELECT tokens, updated_ms FROM gateway_budgets WHERE key = @key;", new { key }, transaction).ConfigureAwait(false);
        double now = Math.Min(capacity, tokens + (Math.Max(0, nowMs - updated) * perMs));
        return TimeSpan.FromMilliseconds(Math.Ceiling((1 - now) / perMs));
    }

    public Task<int> PruneAsync(long nowMs, long idleMs) =>
        connection.ExecuteAsync(
            """
            DELETE FROM gateway_replay WHERE expires_ms < @nowMs;
            DELETE FROM gateway_budgets WHERE updated_ms < @idleBefore;
            """,
            new { nowMs, idleBefore = nowMs - idleMs }, transaction);
}
