using System.Data.Common;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;

namespace FlowRunner.Storage.Relational;

/// <summary>
/// What the SQLite and PostgreSQL stores share: every read, claim and short write, in the SQL both databases speak
/// (<c>RelationalQueries</c>). A store supplies its connections, its write transactions, migrations and steps.
/// </summary>
public abstract class RelationalInstanceStore : IInstanceStore
{
    /// <summary>A store of <paramref name="database"/> ("SQLite" or "PostgreSQL"), on the clock <paramref name="time"/>.</summary>
    protected RelationalInstanceStore(string database, TimeProvider time)
    {
        Database = database;
        Time = time;
    }

    /// <summary>The database's name, as the shared SQL tells them apart: "SQLite" or "PostgreSQL".</summary>
    protected string Database { get; }

    /// <summary>The clock of every time written.</summary>
    protected TimeProvider Time { get; }

    /// <inheritdoc/>
    public NodeLease Lease { get; init; } = NodeLease.ForThisProcess();

    /// <summary>An open connection for reads and single statements; the caller disposes it.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a short write transaction of its own and commits it.</summary>
    protected abstract Task<T> InWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract IUnitOfWork OpenReadOnly();

    /// <inheritdoc/>
    public abstract Task<IUnitOfWork> BeginWorkAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public async Task SaveFlowVersionAsync(string name, string hash, string sourcePath, string source, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await RelationalQueries.SaveFlowVersionAsync(connection, name, hash, sourcePath, source, Time.GetUtcNow()).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredFlowVersion?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.LoadFlowVersionAsync(connection, hash).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ClaimRunnableAsync(int limit, bool includeOwn, CancellationToken cancellationToken) =>
        InWriteAsync((connection, transaction) => RelationalQueries.ClaimRunnableAsync(connection, transaction, Database, Lease, limit, includeOwn), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> ClaimAsync(string instanceId, int? atVersion, CancellationToken cancellationToken) =>
        InWriteAsync((connection, transaction) => RelationalQueries.ClaimAsync(connection, transaction, Database, Lease, instanceId, atVersion), cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseLeasesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) => instanceIds.Count == 0 ? Task.CompletedTask
        : InWriteAsync((connection, transaction) => RelationalQueries.ReleaseLeasesAsync(connection, transaction, Database, Lease, instanceIds), cancellationToken);

    /// <inheritdoc/>
    public Task RenewLeasesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) => instanceIds.Count == 0 ? Task.CompletedTask
        : InWriteAsync((connection, transaction) => RelationalQueries.RenewLeasesAsync(connection, transaction, Database, Lease, instanceIds), cancellationToken);

    /// <inheritdoc/>
    public async Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.NextTimerDueAsync(connection).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.FindDueTimersAsync(connection, now).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<InstanceState?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.GetAsync(connection, instanceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string? flowName, int limit, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.ListAsync(connection, flowName, limit).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.GetJournalAsync(connection, instanceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string?> FindWaitingInstanceAsync(string flowName, string nodeId, string variable, JsonElement value, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.FindWaitingInstanceAsync(connection, flowName, nodeId, variable, value).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<int> PruneAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken) =>
        RelationalQueries.PruneAsync(InWriteAsync, finishedBefore, Time.GetUtcNow(), cancellationToken);

    /// <inheritdoc/>
    public Task<TimeSpan?> TakeTokenAsync(string key, double capacity, double perSecond, CancellationToken cancellationToken) =>
        InWriteAsync((connection, transaction) => RelationalQueries.TakeTokenAsync(connection, transaction, key, capacity, perSecond, Time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);

    /// <inheritdoc/>
    public Task MarkOutboxSentAsync(IReadOnlyCollection<long> ids, DateTimeOffset sentAt, CancellationToken cancellationToken) => ids.Count == 0 ? Task.CompletedTask
        : InWriteAsync(async (connection, transaction) =>
        {
            await RelationalQueries.MarkOutboxSentAsync(connection, transaction, ids, sentAt).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RelationalQueries.ReadOutboxAsync(connection, afterId, limit).ConfigureAwait(false);
    }
}
