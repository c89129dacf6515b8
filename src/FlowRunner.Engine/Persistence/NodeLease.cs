namespace FlowRunner.Engine.Persistence;

/// <summary>
/// Who this node is among the nodes sharing a database, and how long its claim on an instance lasts. An instance stored
/// as running is leased to the node that saved it until the database's clock passes the lease; a node claiming it (to
/// recover it, or to fire its timer) bumps its version, so the node it took over from can no longer commit a step.
/// </summary>
/// <param name="Owner">The node's name, unique among the live nodes (host name and process id by default).</param>
/// <param name="Duration">How long a lease lasts unless renewed; the runtime renews its own every third of it.</param>
public sealed record NodeLease(string Owner, TimeSpan Duration)
{
    /// <summary>The default lease length: with a sweep every 2 seconds, a dead node's work is taken over within 8.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(6);

    /// <summary>This process's lease: host name and process id, <see cref="DefaultDuration"/>.</summary>
    public static NodeLease ForThisProcess() => new($"{Environment.MachineName}-{Environment.ProcessId}", DefaultDuration);
}
