using System.Threading.RateLimiting;

namespace FlowRunner.Hosting.Routes;

/// <summary>
/// Rate limits of the mapped routes: per client IP on public routes, and per account (the route's "limit" key, e.g. the
/// email of a login) whether or not the account exists, so the limit itself tells nothing (ENUM-01).
/// </summary>
internal sealed class RouteLimits(FlowRunnerOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perIp = PartitionedRateLimiter.Create<string, string>(ip =>
        RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PublicRequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private readonly PartitionedRateLimiter<string> _perAccount = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.AccountAttemptsPerWindow,
            Window = options.AccountWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null when allowed; otherwise how long to wait.</summary>
    public TimeSpan? TryIp(string ip) => Try(_perIp, ip, TimeSpan.FromMinutes(1));

    /// <summary>Null when allowed; otherwise how long to wait.</summary>
    public TimeSpan? TryAccount(string account) => Try(_perAccount, account.Trim().ToLowerInvariant(), options.AccountWindow);

    public void Dispose()
    {
        _perIp.Dispose();
        _perAccount.Dispose();
    }

    private static TimeSpan? Try(PartitionedRateLimiter<string> limiter, string key, TimeSpan window)
    {
        using RateLimitLease lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retry) ? retry : window;
    }
}
