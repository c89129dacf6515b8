namespace FlowRunner.Gateway.Data;

/// <summary>
/// The gateway's tables: the replay store and the budgets. Both are single conditional statements, so of any number
/// of concurrent callers exactly one reserves a request id, and a bucket never gives out more than it holds.
/// Obtained from a unit of work, so its writes commit with the step that made them.
/// </summary>
internal interface IGatewayStore
{
    /// <summary>Reserves a request id of a device session until <paramref name="expiresMs"/>: true for exactly one caller.</summary>
    Task<bool> ReserveAsync(string deviceSessionId, string requestId, long expiresMs);

    /// <summary>
    /// Takes one token from a bucket (created full; the runtime's rate_buckets, which the store prunes), refilled at
    /// <paramref name="perSecond"/> up to <paramref name="capacity"/>: null when taken, else how long until a token is there.
    /// </summary>
    Task<TimeSpan?> TakeAsync(string key, double capacity, double perSecond, long nowMs);

    /// <summary>Deletes reservations that expired before <paramref name="nowMs"/>; returns how many rows went.</summary>
    Task<int> PruneAsync(long nowMs);
}
