using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using Npgsql;

namespace FlowRunner.Storage.Postgres;

/// <summary>One step's transaction. Disposing without committing rolls everything back, handler writes included.</summary>
internal sealed class PostgresStepTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeProvider time, IReadOnlyDictionary<Type, PostgresPackStore> packs)
    : PostgresUnitOfWork(connection, transaction, time, packs), IStepTransaction
{
    private readonly NpgsqlTransaction _transaction = transaction;

    // Journal rows are written together, in one statement, when the step saves or commits.
    private readonly List<JournalEntry> _journal = [];

    public async Task InsertAsync(InstanceState state, CancellationToken cancellationToken)
    {
        await Unit.Connection.ExecuteAsync(
            """
            INSERT INTO instances (id, flow_name, flow_hash, status, version, next_branch, visits, outputs, incident, created_at, updated_at, trace_parent)
            VALUES (@Id, @FlowName, @FlowHash, @Status, @Version, @NextBranch, @Visits, @Outputs, @Incident, @CreatedAt, @UpdatedAt, @TraceParent);
            """,
            StoredInstance.Row(state), Unit.Transaction).ConfigureAwait(false);
        await WriteChildrenAsync(state).ConfigureAwait(false);
        await FlushJournalAsync().ConfigureAwait(false);
    }

    public async Task SaveAsync(InstanceState state, int expectedVersion, CancellationToken cancellationToken)
    {
        StoredInstance.InstanceRow row = StoredInstance.Row(state);
        int updated = await Unit.Connection.ExecuteAsync(
            """
            UPDATE instances
            SET status = @Status, version = @Version, next_branch = @NextBranch, visits = @Visits, outputs = @Outputs,
                incident = @Incident, updated_at = @UpdatedAt
            WHERE id = @Id AND version = @Expected;
            """,
            new { row.Status, row.Version, row.NextBranch, row.Visits, row.Outputs, row.Incident, row.UpdatedAt, row.Id, Expected = (long)expectedVersion },
            Unit.Transaction).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new ConcurrencyException(state.Id, $"instance '{state.Id}' was changed by another caller (expected version {expectedVersion})");
        }

        await Unit.Connection.ExecuteAsync(
            "DELETE FROM branches WHERE instance_id = @Id; DELETE FROM variables WHERE instance_id = @Id;", new { state.Id }, Unit.Transaction).ConfigureAwait(false);
        await WriteChildrenAsync(state).ConfigureAwait(false);
        await FlushJournalAsync().ConfigureAwait(false);
    }

    public Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        _journal.Add(entry);
        return Task.CompletedTask;
    }

    public Task AddOutboxAsync(string instanceId, string kind, JsonElement payload, CancellationToken cancellationToken) =>
        Unit.Connection.ExecuteAsync(
            "INSERT INTO outbox (instance_id, kind, payload, created_at) VALUES (@instanceId, @kind, @payload, @at);",
            new { instanceId, kind, payload = payload.GetRawText(), at = StoredTime.Format(Unit.Time.GetUtcNow()) },
            Unit.Transaction);

    public Task SetTimerAsync(string instanceId, string branchId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Unit.Connection.ExecuteAsync(
            "INSERT INTO timers (instance_id, branch_id, due_at) VALUES (@instanceId, @branchId, @dueAt) ON CONFLICT (instance_id, branch_id) DO UPDATE SET due_at = excluded.due_at;",
            new { instanceId, branchId, dueAt = StoredTime.Format(dueAt) },
            Unit.Transaction);

    public Task ClearTimerAsync(string instanceId, string branchId, CancellationToken cancellationToken) =>
        Unit.Connection.ExecuteAsync("DELETE FROM timers WHERE instance_id = @instanceId AND branch_id = @branchId;", new { instanceId, branchId }, Unit.Transaction);

    public Task SavepointAsync(string name, CancellationToken cancellationToken) => _transaction.SaveAsync(name, cancellationToken);

    public Task RollbackToSavepointAsync(string name, CancellationToken cancellationToken) => _transaction.RollbackAsync(name, cancellationToken);

    public Task ReleaseSavepointAsync(string name, CancellationToken cancellationToken) => _transaction.ReleaseAsync(name, cancellationToken);

    public override async Task CommitAsync(CancellationToken cancellationToken)
    {
        await FlushJournalAsync().ConfigureAwait(false);
        await base.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<InstanceState?> LoadAsync(NpgsqlConnection db, NpgsqlTransaction? tx, string instanceId)
    {
        await using SqlMapper.GridReader reader = await db.QueryMultipleAsync(
            """
            SELECT id AS Id, flow_name AS FlowName, flow_hash AS FlowHash, status AS Status, version AS Version, next_branch AS NextBranch,
                   visits AS Visits, outputs AS Outputs, incident AS Incident, created_at AS CreatedAt, updated_at AS UpdatedAt,
                   trace_parent AS TraceParent
            FROM instances WHERE id = @instanceId;
            SELECT id AS Id, node_id AS NodeId, status AS Status, previous_outcome AS PreviousOutcome, wait AS Wait, timed_out AS TimedOut
            FROM branches WHERE instance_id = @instanceId ORDER BY position;
            SELECT name AS Name, value AS Value FROM variables WHERE instance_id = @instanceId;
            """,
            new { instanceId }, tx).ConfigureAwait(false);
        StoredInstance.InstanceRow? row = await reader.ReadSingleOrDefaultAsync<StoredInstance.InstanceRow>().ConfigureAwait(false);
        return row is null ? null
            : StoredInstance.Read(row, await reader.ReadAsync<StoredInstance.BranchRow>().ConfigureAwait(false), await reader.ReadAsync<StoredInstance.VariableRow>().ConfigureAwait(false));
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
        await Unit.Connection.ExecuteAsync("INSERT INTO journal (instance_id, node_id, lane, event, outcome, detail, at) VALUES " + values + ";", parameters, Unit.Transaction).ConfigureAwait(false);
    }

    private async Task WriteChildrenAsync(InstanceState state)
    {
        foreach (StoredInstance.BranchRow branch in StoredInstance.Branches(state))
        {
            await Unit.Connection.ExecuteAsync(
                "INSERT INTO branches (instance_id, id, position, node_id, status, previous_outcome, wait, timed_out) VALUES (@InstanceId, @Id, @Position, @NodeId, @Status, @PreviousOutcome, @Wait, @TimedOut);",
                branch, Unit.Transaction).ConfigureAwait(false);
        }

        foreach (StoredInstance.VariableRow variable in StoredInstance.Variables(state))
        {
            await Unit.Connection.ExecuteAsync(
                "INSERT INTO variables (instance_id, name, value) VALUES (@InstanceId, @Name, @Value);", variable, Unit.Transaction).ConfigureAwait(false);
        }
    }
}
