using System.Data.Common;
using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;

namespace FlowRunner.Storage.Relational;

/// <summary>The runtime's reads and maintenance in SQL that SQLite and PostgreSQL both speak, on a connection the store opened.</summary>
internal static class RelationalQueries
{
    private const string SummaryColumns = "id, flow_name, flow_hash, status, version, created_at, updated_at";

    public static Task SaveFlowVersionAsync(DbConnection connection, string name, string hash, string sourcePath, string source, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "INSERT INTO flow_versions (hash, name, source_path, source, created_at) VALUES (@hash, @name, @sourcePath, @source, @at) ON CONFLICT (hash) DO NOTHING;",
            new { hash, name, sourcePath, source, at = StoredTime.Format(now) });

    public static async Task<StoredFlowVersion?> LoadFlowVersionAsync(DbConnection connection, string hash)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string Name, string SourcePath, string Source)?>(
            "SELECT name, source_path, source FROM flow_versions WHERE hash = @hash;", new { hash }).ConfigureAwait(false);
        return row is { } r ? new StoredFlowVersion(r.Name, r.SourcePath, r.Source) : null;
    }

    /// <summary>The database's clock in Unix milliseconds, as SQL: leases are never judged by a node's own clock.</summary>
    public static string NowMs(string database) => database == "PostgreSQL"
        ? "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"
        : "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    /// <summary>Claims running instances whose lease ran out (or this node's own, when asked), oldest first; returns their ids.</summary>
    public static async Task<IReadOnlyList<string>> ClaimRunnableAsync(DbConnection connection, DbTransaction transaction, string database, NodeLease lease, int limit, bool includeOwn)
    {
        var claimed = await connection.QueryAsync<(string Id, string CreatedAt)>(
            $"""
            UPDATE instances SET version = version + 1, lease_owner = @owner, lease_expires_ms = {NowMs(database)} + @leaseMs
            WHERE id IN ({RunnableSql(database, includeOwn)})
            RETURNING id, created_at;
            """,
            new { owner = lease.Owner, leaseMs = (long)lease.Duration.TotalMilliseconds, limit }, transaction).ConfigureAwait(false);
        return [.. claimed.OrderBy(c => c.CreatedAt, StringComparer.Ordinal).Select(c => c.Id)]; // RETURNING keeps no order
    }

    /// <summary>The running instances a node may claim, oldest first: read in the order of <c>ix_instances_running</c>.</summary>
    internal static string RunnableSql(string database, bool includeOwn)
    {
        string now = NowMs(database);
        // PostgreSQL: rows another node is claiming at this moment are skipped, not waited for. SQLite has one writer.
        string skipLocked = database == "PostgreSQL" ? " FOR UPDATE SKIP LOCKED" : string.Empty;
        string own = includeOwn ? " OR lease_owner = @owner" : string.Empty;
        return $"SELECT id FROM instances WHERE status = 'Running' AND (lease_owner IS NULL OR lease_expires_ms < {now}{own}) ORDER BY created_at LIMIT @limit{skipLocked}";
    }

    /// <summary>
    /// Finished instances changed before <c>@before</c>, 500 at most, oldest first through <c>ix_instances_created</c>: an
    /// instance changed before then was created before then. Instances still running or waiting past the age are read
    /// again by every batch (no index of its own holds the finished ones: a start writes one index entry fewer).
    /// </summary>
    internal const string FinishedBeforeSql =
        "SELECT id FROM instances WHERE created_at < @before AND status IN ('Completed', 'Faulted') AND updated_at < @before ORDER BY created_at LIMIT 500;";

    /// <summary>Claims one instance (running, or at a version) unless another node's lease on it is still good.</summary>
    public static async Task<bool> ClaimAsync(DbConnection connection, DbTransaction transaction, string database, NodeLease lease, string instanceId, int? atVersion)
    {
        string now = NowMs(database);
        string which = atVersion is null ? "status = 'Running'" : "version = @atVersion";
        return await connection.ExecuteAsync(
            $"""
            UPDATE instances SET version = version + 1, lease_owner = @owner, lease_expires_ms = {now} + @leaseMs
            WHERE id = @instanceId AND {which} AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_ms < {now});
            """,
            new { owner = lease.Owner, leaseMs = (long)lease.Duration.TotalMilliseconds, instanceId, atVersion = (long?)atVersion }, transaction).ConfigureAwait(false) == 1;
    }

    /// <summary>The channel nodes are woken on when another gives work up.</summary>
    public const string WorkChannel = "flowrunner_work";

    /// <summary>Gives up this node's leases on the instances; on PostgreSQL the other nodes are notified when it commits.</summary>
    public static Task<int> ReleaseLeasesAsync(DbConnection connection, DbTransaction transaction, string database, NodeLease lease, IReadOnlyCollection<string> instanceIds)
    {
        (string list, DynamicParameters parameters) = InList(instanceIds);
        parameters.Add("owner", lease.Owner);
        string notify = database == "PostgreSQL" ? $" SELECT pg_notify('{WorkChannel}', @owner);" : string.Empty;
        return connection.ExecuteAsync(
            $"UPDATE instances SET lease_owner = NULL, lease_expires_ms = NULL WHERE lease_owner = @owner AND id IN ({list});{notify}", parameters, transaction);
    }

    /// <summary>Extends this node's leases on the instances (those still leased to it).</summary>
    public static Task<int> RenewLeasesAsync(DbConnection connection, DbTransaction transaction, string database, NodeLease lease, IReadOnlyCollection<string> instanceIds)
    {
        if (instanceIds.Count == 0)
        {
            return Task.FromResult(0);
        }

        (string list, DynamicParameters parameters) = InList(instanceIds);
        parameters.Add("owner", lease.Owner);
        parameters.Add("leaseMs", (long)lease.Duration.TotalMilliseconds);
        return connection.ExecuteAsync(
            $"UPDATE instances SET lease_expires_ms = {NowMs(database)} + @leaseMs WHERE lease_owner = @owner AND id IN ({list});", parameters, transaction);
    }

    public static async Task<DateTimeOffset?> NextTimerDueAsync(DbConnection connection) =>
        await connection.ExecuteScalarAsync<string?>("SELECT MIN(due_at) FROM timers;").ConfigureAwait(false) is { } due ? StoredTime.Parse(due) : null;

    public static async Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DbConnection connection, DateTimeOffset now)
    {
        var rows = await connection.QueryAsync<(string InstanceId, string BranchId, string DueAt)>(
            "SELECT instance_id, branch_id, due_at FROM timers WHERE due_at <= @now ORDER BY due_at;",
            new { now = StoredTime.Format(now) }).ConfigureAwait(false);
        return [.. rows.Select(r => new DueTimer(r.InstanceId, r.BranchId, StoredTime.Parse(r.DueAt)))];
    }

    public static async Task<InstanceState?> GetAsync(DbConnection connection, string instanceId)
    {
        await using SqlMapper.GridReader reader = await connection.QueryMultipleAsync(
            """
            SELECT id AS Id, flow_name AS FlowName, flow_hash AS FlowHash, status AS Status, version AS Version, next_branch AS NextBranch,
                   visits AS Visits, outputs AS Outputs, incident AS Incident, created_at AS CreatedAt, updated_at AS UpdatedAt,
                   trace_parent AS TraceParent, binding_hash AS BindingHash
            FROM instances WHERE id = @instanceId;
            SELECT id AS Id, node_id AS NodeId, status AS Status, previous_outcome AS PreviousOutcome, wait AS Wait, timed_out AS TimedOut
            FROM branches WHERE instance_id = @instanceId ORDER BY position;
            SELECT name AS Name, value AS Value FROM variables WHERE instance_id = @instanceId;
            """,
            new { instanceId }).ConfigureAwait(false);
        StoredInstance.InstanceRow? row = await reader.ReadSingleOrDefaultAsync<StoredInstance.InstanceRow>().ConfigureAwait(false);
        return row is null ? null
            : StoredInstance.Read(row, await reader.ReadAsync<StoredInstance.BranchRow>().ConfigureAwait(false), await reader.ReadAsync<StoredInstance.VariableRow>().ConfigureAwait(false));
    }

    /// <summary>
    /// The newest instances, of one flow (<c>@flowName</c>) or all, through <c>ix_instances_created</c> read backwards;
    /// the flow is in the index entry, so a flow's list reads only its own rows.
    /// </summary>
    internal static string ListSql(bool filtered) => filtered
        ? $"SELECT {SummaryColumns} FROM instances WHERE flow_name = @flowName ORDER BY created_at DESC LIMIT @limit;"
        : $"SELECT {SummaryColumns} FROM instances ORDER BY created_at DESC LIMIT @limit;";

    public static async Task<IReadOnlyList<InstanceSummary>> ListAsync(DbConnection connection, string? flowName, int limit)
    {
        var rows = await connection.QueryAsync<(string Id, string FlowName, string FlowHash, string Status, long Version, string CreatedAt, string UpdatedAt)>(
            ListSql(filtered: flowName is not null), new { flowName, limit }).ConfigureAwait(false);
        return [.. rows.Select(r => new InstanceSummary(r.Id, r.FlowName, r.FlowHash, Enum.Parse<InstanceStatus>(r.Status), (int)r.Version,
            StoredTime.Parse(r.CreatedAt), StoredTime.Parse(r.UpdatedAt)))];
    }

    // The seq of every journal row of the instances selected by `instances`, found by following each instance's chain
    // from its last commit back (each row points to the one before it; seq only grows, which also ends a damaged chain).
    private static string JournalChain(string instances) =>
        $"""
        WITH RECURSIVE chain (seq) AS (
            SELECT journal_seq FROM instances WHERE {instances}
            UNION ALL
            SELECT c.previous_seq FROM journal_commits c JOIN chain ON c.seq = chain.seq WHERE c.previous_seq < c.seq)
        """;

    /// <summary>Deletes the journal rows of the instances whose ids are <paramref name="list"/> (before the instances go).</summary>
    public static string PruneJournalSql(string list) => JournalChain($"id IN ({list})") + " DELETE FROM journal_commits WHERE seq IN (SELECT seq FROM chain);";

    /// <summary>An instance's journal entries in order, read through the view over its commits' rows.</summary>
    public static readonly string JournalSql =
        JournalChain("id = @instanceId") + " SELECT node_id, lane, event, outcome, detail, at FROM journal WHERE seq IN (SELECT seq FROM chain) ORDER BY seq, position;";

    public static async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(DbConnection connection, string instanceId)
    {
        var rows = await connection.QueryAsync<(string? NodeId, string? Lane, string Event, string? Outcome, string? Detail, string At)>(
            JournalSql, new { instanceId }).ConfigureAwait(false);
        return [.. rows.Select((r, i) => new JournalEntry(instanceId, i + 1, r.NodeId, r.Lane, r.Event, r.Outcome, r.Detail, StoredTime.Parse(r.At)))];
    }

    /// <summary>
    /// The newest instance of a flow waiting at a node whose variable holds a value: read from the index of waiting
    /// branches by node, so an unknown value (a made-up reset token) costs the instances waiting there, not every branch.
    /// </summary>
    public const string FindWaitingSql =
        """
        SELECT i.id FROM branches b
        JOIN instances i ON i.id = b.instance_id
        JOIN variables v ON v.instance_id = b.instance_id AND v.name = @variable AND v.value = @value
        WHERE b.node_id = @nodeId AND b.status = 'Waiting' AND i.flow_name = @flowName
        ORDER BY i.created_at DESC LIMIT 1;
        """;

    public static Task<string?> FindWaitingInstanceAsync(DbConnection connection, string flowName, string nodeId, string variable, JsonElement value) =>
        connection.QuerySingleOrDefaultAsync<string?>(FindWaitingSql, new { flowName, nodeId, variable, value = value.GetRawText() });

    /// <summary>
    /// Deletes finished instances changed before <paramref name="finishedBefore"/> in transactions of 500 (no lock is held
    /// for long, whatever the backlog), then idle buckets; <paramref name="inWrite"/> runs one write transaction.
    /// </summary>
    /// <returns>How many instances went.</returns>
    public static async Task<int> PruneAsync(Func<Func<DbConnection, DbTransaction, Task<int>>, CancellationToken, Task<int>> inWrite, DateTimeOffset finishedBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int deleted = 0;
        int batch;
        do
        {
            batch = await inWrite((connection, transaction) => PruneBatchAsync(connection, transaction, finishedBefore), cancellationToken).ConfigureAwait(false);
            deleted += batch;
        }
        while (batch == 500);

        await inWrite((connection, transaction) => PruneBucketsAsync(connection, transaction, now), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>Deletes up to 500 finished instances changed before the time, with their rows, and sent outbox messages; returns how many instances went.</summary>
    public static async Task<int> PruneBatchAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset finishedBefore)
    {
        string before = StoredTime.Format(finishedBefore);
        string[] ids = [.. await connection.QueryAsync<string>(
            FinishedBeforeSql,
            new { before }, transaction).ConfigureAwait(false)];
        if (ids.Length > 0)
        {
            (string list, DynamicParameters parameters) = InList(ids);
            await connection.ExecuteAsync(
                $"""
                {PruneJournalSql(list)}
                DELETE FROM branches WHERE instance_id IN ({list});
                DELETE FROM variables WHERE instance_id IN ({list});
                DELETE FROM timers WHERE instance_id IN ({list});
                DELETE FROM instances WHERE id IN ({list});
                """,
                parameters, transaction).ConfigureAwait(false);
        }

        await connection.ExecuteAsync("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < @before;", new { before }, transaction).ConfigureAwait(false);
        return ids.Length;
    }

    /// <summary>Takes one token from a shared bucket: null when taken, else how long until a token is there.</summary>
    public static async Task<TimeSpan?> TakeTokenAsync(DbConnection connection, DbTransaction? transaction, string key, double capacity, double perSecond, long nowMs)
    {
        double perMs = perSecond / 1000;
        // Refill by the time since the last use (never negative, whatever another node's clock said), up to the
        // capacity, then take one; a bucket with less than one token is left alone. One statement: atomic under
        // SQLite's write lock and PostgreSQL's row lock alike.
        const string Refilled = "(CASE WHEN b.tokens + (CASE WHEN @nowMs > b.updated_ms THEN @nowMs - b.updated_ms ELSE 0 END) * @perMs > @capacity THEN @capacity "
            + "ELSE b.tokens + (CASE WHEN @nowMs > b.updated_ms THEN @nowMs - b.updated_ms ELSE 0 END) * @perMs END)";
        int taken = await connection.ExecuteAsync(
            $"""
            INSERT INTO rate_buckets AS b (key, tokens, updated_ms) VALUES (@key, @capacity - 1, @nowMs)
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
            "SELECT tokens, updated_ms FROM rate_buckets WHERE key = @key;", new { key }, transaction).ConfigureAwait(false);
        double now = Math.Min(capacity, tokens + (Math.Max(0, nowMs - updated) * perMs));
        return TimeSpan.FromMilliseconds(Math.Ceiling((1 - now) / perMs));
    }

    /// <summary>Deletes buckets idle for <see cref="RateBuckets.LongestRefill"/>: they are full again.</summary>
    public static Task<int> PruneBucketsAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now) =>
        connection.ExecuteAsync("DELETE FROM rate_buckets WHERE updated_ms < @idleBefore;",
            new { idleBefore = (now - RateBuckets.LongestRefill).ToUnixTimeMilliseconds() }, transaction);

    public static Task MarkOutboxSentAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<long> ids, DateTimeOffset sentAt)
    {
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        (string list, DynamicParameters parameters) = InList(ids);
        parameters.Add("sentAt", StoredTime.Format(sentAt));
        return connection.ExecuteAsync($"UPDATE outbox SET payload = '{{}}', sent_at = @sentAt WHERE id IN ({list}) AND sent_at IS NULL;", parameters, transaction);
    }

    // "@p0, @p1, ...": Dapper expands "IN @list" for SQLite but hands PostgreSQL an array, so the list is spelled out.
    private static (string List, DynamicParameters Parameters) InList<T>(IEnumerable<T> values)
    {
        var parameters = new DynamicParameters();
        var names = new List<string>();
        foreach (T value in values)
        {
            string name = "p" + names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(name, value);
            names.Add("@" + name);
        }

        return (string.Join(", ", names), parameters);
    }

    public static async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(DbConnection connection, long afterId, int limit)
    {
        var rows = await connection.QueryAsync<(long Id, string InstanceId, string Kind, string Payload, string CreatedAt)>(
            "SELECT id, instance_id, kind, payload, created_at FROM outbox WHERE id > @afterId ORDER BY id LIMIT @limit;",
            new { afterId, limit }).ConfigureAwait(false);
        return [.. rows.Select(r =>
        {
            using JsonDocument payload = JsonDocument.Parse(r.Payload);
            return new OutboxMessage(r.Id, r.InstanceId, r.Kind, payload.RootElement.Clone(), StoredTime.Parse(r.CreatedAt));
        })];
    }
}
