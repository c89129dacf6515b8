using System.Data.Common;
using System.Globalization;
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
    private readonly DbTransaction _transaction = transaction;

    private readonly string _leaseOwner = $"CASE WHEN @Status = 'Running' THEN @LeaseOwner ELSE NULL END";
    private readonly string _leaseExpires = $"CASE WHEN @Status = 'Running' THEN {RelationalQueries.NowMs(database)} + @LeaseMs ELSE NULL END";

    // Journal rows are written together, in one statement, when the step saves or commits.
    private readonly List<JournalEntry> _journal = [];

    public async Task InsertAsync(InstanceState state, CancellationToken cancellationToken)
    {
        await Connection.ExecuteAsync(
            $"""
            INSERT INTO instances (id, flow_name, flow_hash, status, version, next_branch, visits, outputs, incident, created_at, updated_at, trace_parent, lease_owner, lease_expires_ms)
            VALUES (@Id, @FlowName, @FlowHash, @Status, @Version, @NextBranch, @Visits, @Outputs, @Incident, @CreatedAt, @UpdatedAt, @TraceParent, {_leaseOwner}, {_leaseExpires});
            """,
            WithLease(StoredInstance.Row(state)), _transaction).ConfigureAwait(false);
        await WriteChildrenAsync(state).ConfigureAwait(false);
        await FlushJournalAsync().ConfigureAwait(false);
    }

    public async Task SaveAsync(InstanceState state, int expectedVersion, CancellationToken cancellationToken)
    {
        StoredInstance.InstanceRow row = StoredInstance.Row(state);
        int updated = await Connection.ExecuteAsync(
            $"""
            UPDATE instances
            SET status = @Status, version = @Version, next_branch = @NextBranch, visits = @Visits, outputs = @Outputs,
                incident = @Incident, updated_at = @UpdatedAt, lease_owner = {_leaseOwner}, lease_expires_ms = {_leaseExpires}
            WHERE id = @Id AND version = @Expected;
            """,
            WithLease(new { row.Status, row.Version, row.NextBranch, row.Visits, row.Outputs, row.Incident, row.UpdatedAt, row.Id, Expected = (long)expectedVersion }),
            _transaction).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new ConcurrencyException(state.Id, $"instance '{state.Id}' was changed by another caller (expected version {expectedVersion})");
        }

        await Connection.ExecuteAsync(
            "DELETE FROM branches WHERE instance_id = @Id; DELETE FROM variables WHERE instance_id = @Id;", new { state.Id }, _transaction).ConfigureAwait(false);
        await WriteChildrenAsync(state).ConfigureAwait(false);
        await FlushJournalAsync().ConfigureAwait(false);
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

    public Task SetTimerAsync(string instanceId, string branchId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Connection.ExecuteAsync(
            "INSERT INTO timers (instance_id, branch_id, due_at) VALUES (@instanceId, @branchId, @dueAt) ON CONFLICT (instance_id, branch_id) DO UPDATE SET due_at = excluded.due_at;",
            new { instanceId, branchId, dueAt = StoredTime.Format(dueAt) },
            _transaction);

    public Task ClearTimerAsync(string instanceId, string branchId, CancellationToken cancellationToken) =>
        Connection.ExecuteAsync("DELETE FROM timers WHERE instance_id = @instanceId AND branch_id = @branchId;", new { instanceId, branchId }, _transaction);

    public Task SavepointAsync(string name, CancellationToken cancellationToken) => _transaction.SaveAsync(name, cancellationToken);

    public Task RollbackToSavepointAsync(string name, CancellationToken cancellationToken) => _transaction.RollbackAsync(name, cancellationToken);

    public Task ReleaseSavepointAsync(string name, CancellationToken cancellationToken) => _transaction.ReleaseAsync(name, cancellationToken);

    public override async Task CommitAsync(CancellationToken cancellationToken)
    {
        await FlushJournalAsync().ConfigureAwait(false);
        await base.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private DynamicParameters WithLease(object row)
    {
        var parameters = new DynamicParameters(row);
        parameters.Add("LeaseOwner", lease.Owner);
        parameters.Add("LeaseMs", (long)lease.Duration.TotalMilliseconds);
        return parameters;
    }

    private async Task FlushJournalAsync()
    {
        if (_journal.Count == 0)
        {
            return;
        }

        var parameters = new DynamicParameters();
        var values = new StringBuilder();
        for (int i = 0; i < _journal.Count; i++)
        {
            JournalEntry entry = _journal[i];
            values.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"(@i{i}, @n{i}, @l{i}, @e{i}, @o{i}, @d{i}, @a{i})");
            parameters.Add("i" + i, entry.InstanceId);
            parameters.Add("n" + i, entry.NodeId);
            parameters.Add("l" + i, entry.Lane);
            parameters.Add("e" + i, entry.Event);
            parameters.Add("o" + i, entry.Outcome);
            parameters.Add("d" + i, entry.Detail);
            parameters.Add("a" + i, StoredTime.Format(entry.At));
        }

        _journal.Clear();
        await Connection.ExecuteAsync("INSERT INTO journal (instance_id, node_id, lane, event, outcome, detail, at) VALUES " + values + ";", parameters, _transaction).ConfigureAwait(false);
    }

    private async Task WriteChildrenAsync(InstanceState state)
    {
        foreach (StoredInstance.BranchRow branch in StoredInstance.Branches(state))
        {
            await Connection.ExecuteAsync(
                "INSERT INTO branches (instance_id, id, position, node_id, status, previous_outcome, wait, timed_out) VALUES (@InstanceId, @Id, @Position, @NodeId, @Status, @PreviousOutcome, @Wait, @TimedOut);",
                branch, _transaction).ConfigureAwait(false);
        }

        foreach (StoredInstance.VariableRow variable in StoredInstance.Variables(state))
        {
            await Connection.ExecuteAsync(
                "INSERT INTO variables (instance_id, name, value) VALUES (@InstanceId, @Name, @Value);", variable, _transaction).ConfigureAwait(false);
        }
    }
}
