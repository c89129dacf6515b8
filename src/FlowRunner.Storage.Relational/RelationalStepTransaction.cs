using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;

namespace FlowRunner.Storage.Relational;

/// <summary>
/// One step's transaction: the instance saved with a version check, its journal, outbox and timers. An instance left
/// running is leased to this node (<paramref name="lease"/>) until the database's clock passes the lease; any other
/// status frees it.
/// </summary>
internal sealed class RelationalStepTransaction(DbConnection connection, DbTransaction transaction, Func<Type, object?> createStore, string database, TimeProvider time, NodeLease lease)
    : RelationalUnitOfWork(connection, transaction, createStore, database), IStepTransaction
{
    private static readonly (string Insert, string Update) SqliteSql = InstanceStatements("SQLite");
    private static readonly (string Insert, string Update) PostgresSql = InstanceStatements("PostgreSQL");
    private static readonly RowTables SqliteTables = RowTables.For("SQLite");
    private static readonly RowTables PostgresTables = RowTables.For("PostgreSQL");

    private readonly DbTransaction _transaction = transaction;

    private readonly (string Insert, string Update) _sql = database == "PostgreSQL" ? PostgresSql : SqliteSql;

    private readonly RowTables _tables = database == "PostgreSQL" ? PostgresTables : SqliteTables;

    // Journal, branch and variable rows are written together, in one command, when the step saves or commits.
    private readonly List<JournalEntry> _journal = [];

    private readonly bool _postgres = database == "PostgreSQL";

    private bool _timerSet;

    public async Task InsertAsync(InstanceState state, CancellationToken cancellationToken)
    {
        await Connection.ExecuteAsync(_sql.Insert, WithLease(StoredInstance.Row(state)), _transaction).ConfigureAwait(false);
        await WriteRowsAsync(state, replace: false).ConfigureAwait(false);
    }

    public async Task SaveAsync(InstanceState state, int expectedVersion, CancellationToken cancellationToken)
    {
        StoredInstance.InstanceRow row = StoredInstance.Row(state);
        int updated = await Connection.ExecuteAsync(
            _sql.Update,
            WithLease(new { row.Status, row.Version, row.NextBranch, row.Visits, row.Outputs, row.Incident, row.UpdatedAt, row.Id, Expected = (long)expectedVersion }),
            _transaction).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new ConcurrencyException(state.Id, $"instance '{state.Id}' was changed by another caller (expected version {expectedVersion})");
        }

        await WriteRowsAsync(state, replace: true).ConfigureAwait(false);
    }

    public Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        _journal.Add(entry);
        return Task.CompletedTask;
    }

    public Task AddOutboxAsync(string instanceId, string kind, JsonElement payload, CancellationToken cancellationToken) =>
        Connection.ExecuteAsync(
            "INSERT INTO outbox (instance_id, kind, payload, created_at) VALUES (@instanceId, @kind, @payload, @at);",
            new { instanceId, kind, payload = payload.GetRawText(), at = StoredTime.Format(time.GetUtcNow()) },
            _transaction);

    // PostgreSQL tells every node when the step commits, so the one that sleeps longest wakes for the new timer.
    public Task SetTimerAsync(string instanceId, string branchId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        _timerSet = true;
        return Connection.ExecuteAsync(
            "INSERT INTO timers (instance_id, branch_id, due_at) VALUES (@instanceId, @branchId, @dueAt) ON CONFLICT (instance_id, branch_id) DO UPDATE SET due_at = excluded.due_at;"
            + (_postgres ? $" SELECT pg_notify('{RelationalQueries.WorkChannel}', 'timer');" : string.Empty),
            new { instanceId, branchId, dueAt = StoredTime.Format(dueAt) },
            _transaction);
    }

    public Task ClearTimerAsync(string instanceId, string branchId, CancellationToken cancellationToken) =>
        Connection.ExecuteAsync("DELETE FROM timers WHERE instance_id = @instanceId AND branch_id = @branchId;", new { instanceId, branchId }, _transaction);

    // One level: the runtime marks a savepoint around a handler's commit work in an open transaction.
    private const string Savepoint = "handler_work";

    public Task SavepointAsync(CancellationToken cancellationToken) => _transaction.SaveAsync(Savepoint, cancellationToken);

    public Task ReleaseSavepointAsync(CancellationToken cancellationToken) => _transaction.ReleaseAsync(Savepoint, cancellationToken);

    public async Task RollbackToSavepointAsync(CancellationToken cancellationToken)
    {
        await _transaction.RollbackAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        await _transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Called once a step that set a timer has committed.</summary>
    public Action? TimerCommitted { get; init; }

    public override async Task CommitAsync(CancellationToken cancellationToken)
    {
        await WriteRowsAsync(state: null, replace: false).ConfigureAwait(false);
        await base.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_timerSet)
        {
            TimerCommitted?.Invoke();
        }
    }

    // The instance row's insert and its version-guarded update; a running instance is leased to this node.
    private static (string Insert, string Update) InstanceStatements(string database)
    {
        const string Owner = "CASE WHEN @Status = 'Running' THEN @LeaseOwner ELSE NULL END";
        string expires = $"CASE WHEN @Status = 'Running' THEN {RelationalQueries.NowMs(database)} + @LeaseMs ELSE NULL END";
        return (
            $"""
            INSERT INTO instances (id, flow_name, flow_hash, status, version, next_branch, visits, outputs, incident, created_at, updated_at, trace_parent, binding_hash, lease_owner, lease_expires_ms)
            VALUES (@Id, @FlowName, @FlowHash, @Status, @Version, @NextBranch, @Visits, @Outputs, @Incident, @CreatedAt, @UpdatedAt, @TraceParent, @BindingHash, {Owner}, {expires});
            """,
            $"""
            UPDATE instances
            SET status = @Status, version = @Version, next_branch = @NextBranch, visits = @Visits, outputs = @Outputs,
                incident = @Incident, updated_at = @UpdatedAt, lease_owner = {Owner}, lease_expires_ms = {expires}
            WHERE id = @Id AND version = @Expected;
            """);
    }

    private DynamicParameters WithLease(object row)
    {
        var parameters = new DynamicParameters(row);
        parameters.Add("LeaseOwner", lease.Owner);
        parameters.Add("LeaseMs", (long)lease.Duration.TotalMilliseconds);
        return parameters;
    }

    // The instance's branches and variables (replacing the stored ones) and the journal so far, in one command: one
    // round trip to the database, whatever the number of rows.
    private async Task WriteRowsAsync(InstanceState? state, bool replace)
    {
        var sql = new StringBuilder();
        var parameters = new DynamicParameters();
        if (state is not null)
        {
            if (replace)
            {
                sql.Append("DELETE FROM branches WHERE instance_id = @instance; DELETE FROM variables WHERE instance_id = @instance; ");
                parameters.Add("instance", state.Id);
            }

            AppendInsert(sql, parameters, _tables.Branches, StoredInstance.Branches(state),
                (w, b) => w.Text(b.InstanceId).Text(b.Id).Number(b.Position).Text(b.NodeId).Text(b.Status).Text(b.PreviousOutcome).Text(b.Wait).Number(b.TimedOut));
            AppendInsert(sql, parameters, _tables.Variables, StoredInstance.Variables(state), (w, v) => w.Text(v.InstanceId).Text(v.Name).Text(v.Value));
        }

        AppendInsert(sql, parameters, _tables.Journal, _journal,
            (w, e) => w.Text(e.InstanceId).Text(e.NodeId).Text(e.Lane).Text(e.Event).Text(e.Outcome).Text(e.Detail).Text(StoredTime.Format(e.At)));
        _journal.Clear();
        if (sql.Length > 0)
        {
            await Connection.ExecuteAsync(sql.ToString(), parameters, _transaction).ConfigureAwait(false);
        }
    }

    // The rows go as one parameter, a JSON array of arrays: a parameter per value made binding quadratic (every
    // parameter of a command is looked up by name in every statement; docs/performance.md).
    private static void AppendInsert<T>(StringBuilder sql, DynamicParameters parameters, RowInsert insert, IEnumerable<T> rows, Action<JsonRowWriter, T> write)
    {
        string? json = JsonRowWriter.Write(rows, write);
        if (json is not null)
        {
            sql.Append(insert.Sql).Append(' ');
            parameters.Add(insert.Parameter, json);
        }
    }
}
