using System.Data.Common;
using System.Text;
using System.Text.Json;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;

namespace FlowRunner.Storage.Relational;

/// <summary>
/// One step's transaction: the instance saved with a version check, its journal, outbox and timers. An instance left
/// running is leased to this node (<paramref name="lease"/>) until the database's clock passes the lease; any other
/// status frees it. Its statements run on the commands <paramref name="prepared"/> keeps for their text (null: a new
/// command each time, for a driver that prepares statements by itself).
/// </summary>
internal sealed class RelationalStepTransaction(
    DbConnection connection, DbTransaction transaction, Func<Type, object?> createStore, string database, TimeProvider time, NodeLease lease, Func<string, DbCommand?>? prepared = null)
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

    private readonly string _database = database;

    private bool _timerSet;

    private bool _lostRace;

    // The instance row goes in one command with its branches, variables and journal: one round trip to PostgreSQL.
    public async Task InsertAsync(InstanceState state, CancellationToken cancellationToken)
    {
        StoredInstance.InstanceRow row = StoredInstance.Row(state);
        List<KeyValuePair<string, object?>> parameters = WithLease(
            ("Id", row.Id), ("FlowName", row.FlowName), ("FlowHash", row.FlowHash), ("Status", row.Status), ("Version", row.Version), ("NextBranch", row.NextBranch),
            ("Visits", row.Visits), ("Outputs", row.Outputs), ("Incident", row.Incident), ("CreatedAt", row.CreatedAt), ("UpdatedAt", row.UpdatedAt),
            ("TraceParent", row.TraceParent), ("BindingHash", row.BindingHash));
        await RunAsync(WithRows(_sql.Insert, parameters, state, replace: false), parameters, cancellationToken).ConfigureAwait(false);
    }

    // The version-guarded update comes first and returns the row it saved; the rows' statements follow in the same
    // command. A lost race throws, and this transaction can then only roll back (its rows were written for nothing).
    public async Task SaveAsync(InstanceState state, int expectedVersion, CancellationToken cancellationToken)
    {
        StoredInstance.InstanceRow row = StoredInstance.Row(state);
        List<KeyValuePair<string, object?>> parameters = WithLease(
            ("Status", row.Status), ("Version", row.Version), ("NextBranch", row.NextBranch), ("Visits", row.Visits), ("Outputs", row.Outputs),
            ("Incident", row.Incident), ("UpdatedAt", row.UpdatedAt), ("Id", row.Id), ("Expected", (long)expectedVersion));
        if (!await RunAsync(WithRows(_sql.Update, parameters, state, replace: true), parameters, cancellationToken, readsRow: true).ConfigureAwait(false))
        {
            _lostRace = true;
            throw new ConcurrencyException(state.Id, $"instance '{state.Id}' was changed by another caller (expected version {expectedVersion})");
        }
    }

    public Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        _journal.Add(entry);
        return Task.CompletedTask;
    }

    public Task AddOutboxAsync(string instanceId, string kind, JsonElement payload, CancellationToken cancellationToken) =>
        RunAsync(
            "INSERT INTO outbox (instance_id, kind, payload, created_at) VALUES (@instanceId, @kind, @payload, @at);",
            [new("instanceId", instanceId), new("kind", kind), new("payload", payload.GetRawText()), new("at", StoredTime.Format(time.GetUtcNow()))],
            cancellationToken);

    // PostgreSQL tells every node when the step commits, so the one that sleeps longest wakes for the new timer.
    public Task SetTimerAsync(string instanceId, string branchId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        _timerSet = true;
        return RunAsync(
            "INSERT INTO timers (instance_id, branch_id, due_at) VALUES (@instanceId, @branchId, @dueAt) ON CONFLICT (instance_id, branch_id) DO UPDATE SET due_at = excluded.due_at;"
            + (_postgres ? $" SELECT pg_notify('{RelationalQueries.WorkChannel}', 'timer');" : string.Empty),
            [new("instanceId", instanceId), new("branchId", branchId), new("dueAt", StoredTime.Format(dueAt))],
            cancellationToken);
    }

    public Task ClearTimerAsync(string instanceId, string branchId, CancellationToken cancellationToken) =>
        RunAsync("DELETE FROM timers WHERE instance_id = @instanceId AND branch_id = @branchId;", [new("instanceId", instanceId), new("branchId", branchId)], cancellationToken);

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
        if (_lostRace)
        {
            throw new InvalidOperationException("this step's save lost a race (ConcurrencyException): its transaction can only roll back");
        }

        if (_journal.Count > 0) // entries no save carried (a transaction that saved no instance)
        {
            List<KeyValuePair<string, object?>> parameters = [];
            await RunAsync(WithRows(string.Empty, parameters, state: null, replace: false), parameters, cancellationToken).ConfigureAwait(false);
        }

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
            WHERE id = @Id AND version = @Expected
            RETURNING version;
            """);
    }

    private List<KeyValuePair<string, object?>> WithLease(params ReadOnlySpan<(string Name, object? Value)> values)
    {
        var parameters = new List<KeyValuePair<string, object?>>(values.Length + 6);
        foreach ((string name, object? value) in values)
        {
            parameters.Add(new(name, value));
        }

        parameters.Add(new("LeaseOwner", lease.Owner));
        parameters.Add(new("LeaseMs", (long)lease.Duration.TotalMilliseconds));
        return parameters;
    }

    // Runs a command of this transaction; with readsRow, returns whether its first statement returned a row (every
    // statement runs: a failing one throws).
    private async Task<bool> RunAsync(string sql, List<KeyValuePair<string, object?>> parameters, CancellationToken cancellationToken, bool readsRow = false)
    {
        DbCommand? kept = prepared?.Invoke(sql);
        DbCommand command = kept ?? Connection.CreateCommand();
        try
        {
            command.CommandText = sql; // unchanged on a kept command: its statements stay prepared
            command.Transaction = _transaction;
            if (kept is not null && command.Parameters.Count == parameters.Count)
            {
                // A text always comes with the same parameters in the same order: a kept command's get new values.
                for (int i = 0; i < parameters.Count; i++)
                {
                    command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
                }
            }
            else
            {
                command.Parameters.Clear();
                foreach ((string name, object? value) in parameters)
                {
                    DbParameter parameter = command.CreateParameter();
                    parameter.ParameterName = "@" + name;
                    parameter.Value = value ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
            }

            if (!readsRow)
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }

            await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            bool row = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }

            return row;
        }
        finally
        {
            if (kept is null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // The command text: the head statement (the instance's insert or update, or none), then the statements of the
    // instance's branches and variables (replacing the stored ones) and of the journal so far, whatever the number of
    // rows. Their parameters are added to the head's; the text is composed once per shape and kept.
    private string WithRows(string head, List<KeyValuePair<string, object?>> parameters, InstanceState? state, bool replace)
    {
        bool branches = false, variables = false;
        if (state is not null)
        {
            if (replace)
            {
                parameters.Add(new("instance", state.Id));
            }

            branches = AddRows(parameters, _tables.Branches, StoredInstance.Branches(state),
                (w, b) => w.Text(b.InstanceId).Text(b.Id).Number(b.Position).Text(b.NodeId).Text(b.Status).Text(b.PreviousOutcome).Text(b.Wait).Number(b.TimedOut));
            variables = AddRows(parameters, _tables.Variables, StoredInstance.Variables(state), (w, v) => w.Text(v.InstanceId).Text(v.Name).Text(v.Value));
        }

        // The journal so far: one row per instance, in the order the instances first appear (a step's entries are its
        // instance's, so there is one row, but nothing else requires it).
        int journals = 0;
        for (int i = 0; i < _journal.Count; i++)
        {
            if (!IsFirstJournalEntryOfItsInstance(i))
            {
                continue; // written with the first entry of its instance
            }

            string instanceId = _journal[i].InstanceId;
            string suffix = JournalSuffix(journals++);
            parameters.Add(new("journal_instance" + suffix, instanceId));
            parameters.Add(new("journal" + suffix, JsonRowWriter.Write(JournalEntriesOf(instanceId, i),
                (w, e) => w.Text(e.NodeId).Text(e.Lane).Text(e.Event).Text(e.Outcome).Text(e.Detail).Time(e.At))));
        }

        _journal.Clear();
        return Texts.GetOrAdd(new TextShape(_database, head, state is not null && replace, branches, variables, journals), Compose);
    }

    private bool IsFirstJournalEntryOfItsInstance(int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (_journal[i].InstanceId == _journal[index].InstanceId)
            {
                return false;
            }
        }

        return true;
    }

    private IEnumerable<JournalEntry> JournalEntriesOf(string instanceId, int from)
    {
        for (int i = from; i < _journal.Count; i++)
        {
            if (_journal[i].InstanceId == instanceId)
            {
                yield return _journal[i];
            }
        }
    }

    private static string JournalSuffix(int group) => group == 0 ? string.Empty : "_" + group.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Command texts by shape (a handful per database).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<TextShape, string> Texts = new();

    private readonly record struct TextShape(string Database, string Head, bool Replace, bool Branches, bool Variables, int Journals);

    private static string Compose(TextShape shape)
    {
        RowTables tables = shape.Database == "PostgreSQL" ? PostgresTables : SqliteTables;
        var sql = new StringBuilder(shape.Head);
        if (shape.Replace)
        {
            sql.Append(" DELETE FROM branches WHERE instance_id = @instance; DELETE FROM variables WHERE instance_id = @instance;");
        }

        if (shape.Branches)
        {
            sql.Append(' ').Append(tables.Branches.Sql);
        }

        if (shape.Variables)
        {
            sql.Append(' ').Append(tables.Variables.Sql);
        }

        for (int group = 0; group < shape.Journals; group++)
        {
            sql.Append(' ').Append(RowTables.JournalInsert(shape.Database, JournalSuffix(group)));
        }

        return sql.ToString().Trim();
    }

    // Adds the rows as one parameter, a JSON array of arrays (a parameter per value made binding quadratic: every
    // parameter of a command is looked up by name in every statement); false when there are none.
    private static bool AddRows<T>(List<KeyValuePair<string, object?>> parameters, RowInsert insert, IEnumerable<T> rows, Action<JsonRowWriter, T> write)
    {
        string? json = JsonRowWriter.Write(rows, write);
        if (json is not null)
        {
            parameters.Add(new(insert.Parameter, json));
        }

        return json is not null;
    }
}
