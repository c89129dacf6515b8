using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Gateway.Data;

/// <summary>The gateway's tables in SQLite, inside the unit of work's transaction.</summary>
internal sealed class SqliteGatewayStore(SqliteUnit unit) : IGatewayStore
{
    /// <summary>The pack store and migrations, for <see cref="SqliteInstanceStore"/>.</summary>
    public static SqlitePackStore Pack { get; } = SqlitePackStore.For<IGatewayStore>(
        unit => new SqliteGatewayStore(unit), MigrationScript.FromResources(typeof(SqliteGatewayStore).Assembly, "gateway"));

    public async Task<bool> ReserveAsync(string deviceSessionId, string requestId, long expiresMs) =>
        await unit.Connection.ExecuteAsync(
            "INSERT INTO gateway_replay (device_session_id, request_id, expires_ms) VALUES (@deviceSessionId, @requestId, @expiresMs) ON CONFLICT DO NOTHING;",
            new { deviceSessionId, requestId, expiresMs }, unit.Transaction).ConfigureAwait(false) == 1;

    public async Task<TimeSpan?> TakeAsync(string key, double capacity, double perSecond, long nowMs)
    {
        double perMs = perSecond / 1000;
        // Refill by the time since the last use (never negative, whatever another node's clock said), then take one.
        int taken = await unit.Connection.ExecuteAsync(
            """
            INSERT INTO gateway_budgets (key, tokens, updated_ms) VALUES (@key, @capacity - 1, @nowMs)
            ON CONFLICT (key) DO UPDATE SET
                tokens = MIN(@capacity, tokens + MAX(0, @nowMs - updated_ms) * @perMs) - 1,
                updated_ms = MAX(updated_ms, @nowMs)
            WHERE MIN(@capacity, tokens + MAX(0, @nowMs - updated_ms) * @perMs) >= 1;
            """,
            new { key, capacity, perMs, nowMs }, unit.Transaction).ConfigureAwait(false);
        if (taken == 1)
        {
            return null;
        }

        (double tokens, long updated) = await unit.Connection.QuerySingleAsync<(double, long)>(
            "SELECT tokens, updated_ms FROM gateway_budgets WHERE key = @key;", new { key }, unit.Transaction).ConfigureAwait(false);
        double now = Math.Min(capacity, tokens + (Math.Max(0, nowMs - updated) * perMs));
        return TimeSpan.FromMilliseconds(Math.Ceiling((1 - now) / perMs));
    }

    public Task<int> PruneAsync(long nowMs, long idleMs) =>
        unit.Connection.ExecuteAsync(
            """
            DELETE FROM gateway_replay WHERE expires_ms < @nowMs;
            DELETE FROM gateway_budgets WHERE updated_ms < @idleBefore;
            """,
            new { nowMs, idleBefore = nowMs - idleMs }, unit.Transaction);
}
