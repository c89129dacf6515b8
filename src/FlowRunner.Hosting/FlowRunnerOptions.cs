namespace FlowRunner.Hosting;

/// <summary>Where the flows are, and the limits of the API that serves them.</summary>
public sealed class FlowRunnerOptions
{
    /// <summary>This node's name among the nodes sharing a database, shown by <c>/health</c>: the host name and process id by default.</summary>
    public string NodeId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// How long this node's claim on a running instance lasts unless renewed (every third of it): a node that stops is
    /// taken over by another within this plus a second or two. At least a second.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = Engine.Persistence.NodeLease.DefaultDuration;

    /// <summary>The folder whose *.flow and *.fz files are served.</summary>
    public string FlowsFolder { get; set; } = "flows";

    /// <summary>The largest request body FlowRunner's endpoints accept, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Requests per minute a client IP may make to public routes, counted across every node on the database (a token bucket: this many at once, then one every 60/N seconds).</summary>
    public int PublicRequestsPerMinute { get; set; } = 120;

    /// <summary>Requests per window one account (a route's "limit" key, e.g. a login's email) may make.</summary>
    public int AccountAttemptsPerWindow { get; set; } = 10;

    /// <summary>
    /// Proxies (addresses or networks) whose X-Forwarded-For is believed: behind them, per-client limits count the
    /// forwarded client, not the proxy. Empty by default: the header is ignored, as anyone can send it.
    /// </summary>
    public IList<System.Net.IPNetwork> TrustedProxies { get; } = [];

    /// <summary>The per-account window: the bucket of <see cref="AccountAttemptsPerWindow"/> fills up in this time; at most an hour.</summary>
    public TimeSpan AccountWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often due timers are looked for.</summary>
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long finished instances (and their journals, and sent outbox messages) are kept; null keeps them for ever.
    /// Instances still waiting are never pruned: give waits a deadline to end abandoned ones.
    /// </summary>
    public TimeSpan? Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention sweep runs (first at start-up).</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The routes file mapped by <c>MapFlows</c>, or null for none (see <see cref="FlowRunnerBuilder.AddRoutes"/>).</summary>
    public string? RoutesFile { get; set; }
}
