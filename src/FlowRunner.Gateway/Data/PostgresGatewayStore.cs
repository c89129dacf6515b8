using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Postgres;

namespace FlowRunner.Gateway.Data;

/// <summary>The gateway's tables in PostgreSQL, inside the unit of work's transaction; each check-and-change is one statement on a locked row.</summary>
internal sealed class PostgresGatewayStore(PostgresUnit unit) : IGatewayStore
{
    /// <summary>The pack store and migrations, for <see cref="PostgresInstanceStore"/>.</summary>
    public static PostgresPackStore Pack { get; } = PostgresPackStore.For<IGatewayStore>(
        unit => new PostgresGatewayStore(unit), MigrationScript.FromResources(typeof(PostgresGatewayStore).Assembly, "gateway", "PostgresMigrations."));

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
            INSERT INTO gateway_budgets AS b (key, tokens, updated_ms) VALUES (@key, @capacity - 1, @nowMs)
            ON CONFLICT (key) DO UPDATE SET
                tokens = LEAST(@capacity, b.tokens + GREATEST(0, @nowMs - b.updated_ms) * @perMs) - 1,
                updated_ms = GREATEST(b.updated_ms, @nowMs)
            WHERE LEAST(@capacity, b.tokens + GREATEST(0, @nowMs - b.updated_ms) * @perMs) >= 1;
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
