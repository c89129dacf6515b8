using FlowRunner.Engine.Persistence;

namespace FlowRunner.Hosting.Routes;

/// <summary>
/// The per-IP limit of public routes and the per-account limit of a route's <c>limit</c> key, as token buckets in the
/// database: every node on one database counts against the same buckets, so a client gets its limit once, not once a node.
/// </summary>
internal sealed class RouteLimits(IInstanceStore store, FlowRunnerOptions options)
{
    /// <summary>Null when allowed; otherwise how long to wait.</summary>
    public Task<TimeSpan?> TryIpAsync(string ip, CancellationToken cancellationToken) =>
        store.TakeTokenAsync("route-ip:" + ip, options.PublicRequestsPerMinute, options.PublicRequestsPerMinute / 60.0, cancellationToken);

    /// <summary>Null when allowed; otherwise how long to wait.</summary>
    public Task<TimeSpan?> TryAccountAsync(string account, CancellationToken cancellationToken) =>
        store.TakeTokenAsync("route-account:" + account.Trim().ToLowerInvariant(), options.AccountAttemptsPerWindow,
            options.AccountAttemptsPerWindow / options.AccountWindow.TotalSeconds, cancellationToken);
}
