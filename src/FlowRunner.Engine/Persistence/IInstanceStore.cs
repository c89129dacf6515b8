using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.State;

namespace FlowRunner.Engine.Persistence;

/// <summary>
/// Durable storage of flow versions, instances, journal, outbox and timers, and the transactions activity packs write
/// in. One implementation per database; each passes the same contract tests.
/// </summary>
public interface IInstanceStore
{
    /// <summary>Creates or upgrades the schema: the runtime's and that of every pack store registered with it.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Remembers a flow version's source, so instances pinned to it can run after the file changes.</summary>
    Task SaveFlowVersionAsync(string name, string hash, string sourcePath, string source, CancellationToken cancellationToken);

    /// <summary>The stored source of a flow version, or null.</summary>
    Task<StoredFlowVersion?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Starts a step: a write transaction that also carries the handler's own writes.</summary>
    Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The database for reading only, outside any transaction (each read sees what is committed): what handlers read
    /// while they run, holding no lock. Writing through it fails.
    /// </summary>
    IUnitOfWork OpenReadOnly();

    /// <summary>Starts a write transaction for pack stores outside any step (an operator creating a user).</summary>
    Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken);

    /// <summary>This node's name and lease length: every step that leaves an instance running leases it to this node.</summary>
    NodeLease Lease { get; }

    /// <summary>
    /// Claims up to <paramref name="limit"/> running instances whose lease ran out (by the database's clock), oldest
    /// first, and, when <paramref name="includeOwn"/>, those leased to this node (a node starting again under its own
    /// name): each gets this node's lease and a new version, so the node it was taken from cannot commit on it.
    /// </summary>
    /// <returns>The claimed instances' ids.</returns>
    Task<IReadOnlyList<string>> ClaimRunnableAsync(int limit, bool includeOwn, CancellationToken cancellationToken);

    /// <summary>
    /// Claims one instance unless another node's lease on it is still good: a running one when
    /// <paramref name="atVersion"/> is null, else one still at that version. The claim sets this node's lease and
    /// moves the version on by one.
    /// </summary>
    /// <returns>True when claimed.</returns>
    Task<bool> ClaimAsync(string instanceId, int? atVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up this node's leases on these instances (a node stopping), so another node takes them over at its next
    /// sweep instead of after the lease, and wakes the other nodes (PostgreSQL: NOTIFY).
    /// </summary>
    Task ReleaseLeasesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until there may be work: another node gave instances up or a step scheduled a timer (on any node with
    /// PostgreSQL's LISTEN/NOTIFY; on this node with SQLite), or <paramref name="atMost"/> has passed: the pace of a
    /// node's sweep, with polling as the fallback.
    /// </summary>
    Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken);

    /// <summary>When the earliest timer not yet fired is due, or null when none is set: a node sleeps until then.</summary>
    Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken);

    /// <summary>Extends this node's leases on these instances (those still leased to it) by <see cref="NodeLease.Duration"/> from now.</summary>
    Task RenewLeasesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken);

    /// <summary>Timers due at <paramref name="now"/> that have not fired.</summary>
    Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>An instance's state, or null.</summary>
    Task<InstanceState?> GetAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Instances, newest first; of one flow only when <paramref name="flowName"/> is given.</summary>
    Task<IReadOnlyList<InstanceSummary>> ListAsync(string? flowName, int limit, CancellationToken cancellationToken);

    /// <summary>An instance's journal in order.</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The newest instance of a flow that waits at <paramref name="nodeId"/> and whose variable has <paramref name="value"/>, or null.</summary>
    Task<string?> FindWaitingInstanceAsync(string flowName, string nodeId, string variable, JsonElement value, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes finished (completed or faulted) instances last changed before <paramref name="finishedBefore"/>, with
    /// their state and journal, and outbox messages sent before it; unsent messages stay. Works in short transactions.
    /// </summary>
    /// <returns>How many instances were deleted.</returns>
    Task<int> PruneAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one token from the bucket <paramref name="key"/> that every node on this database shares (created full),
    /// refilled at <paramref name="perSecond"/> up to <paramref name="capacity"/>, in a short transaction of its own.
    /// A bucket must fill up within <see cref="RateBuckets.LongestRefill"/>: one idle that long is full and is pruned.
    /// </summary>
    /// <returns>Null when a token was taken; otherwise how long until one is there.</returns>
    Task<TimeSpan?> TakeTokenAsync(string key, double capacity, double perSecond, CancellationToken cancellationToken);

    /// <summary>A relay sent these outbox messages: their bodies (addresses, links, codes) are dropped, the rows kept until pruned.</summary>
    Task MarkOutboxSentAsync(IReadOnlyCollection<long> ids, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>Outbox messages after <paramref name="afterId"/>, oldest first: what a mail relay sends.</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(long afterId, int limit, CancellationToken cancellationToken);
}
