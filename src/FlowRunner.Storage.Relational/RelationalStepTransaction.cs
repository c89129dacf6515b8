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
    private static readonly InstanceSql SqliteSql = InstanceSql.For("SQLite");
    private static readonly InstanceSql PostgresSql = InstanceSql.For("PostgreSQL");
    private static readonly RowTables SqliteTables = RowTables.For("SQLite");
    private static readonly RowTables PostgresTables = RowTables.For("PostgreSQL");

    private readonly DbTransaction _transaction = transaction;

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
        await RunAsync(WithRows(Head.Insert, parameters, state), parameters, cancellationToken).ConfigureAwait(false);
    }

    // The version-guarded update returns the row it saved (on SQLite after its journal row's insert, which the same
    // guard keeps out on a lost race); the rows' statements follow in the same command. A lost race throws, and this
    // transaction can then only roll back (its rows were written for nothing).
    public async Task SaveAsync(InstanceState state, int expectedVersion, CancellationToken cancellationToken)
    {
        StoredInstance.InstanceRow row = StoredInstance.Row(state);
        List<KeyValuePair<string, object?>> parameters = WithLease(
            ("Status", row.Status), ("Version", row.Version), ("NextBranch", row.NextBranch), ("Visits", row.Visits), ("Outputs", row.Outputs),
            ("Incident", row.Incident), ("UpdatedAt", row.UpdatedAt), ("Id", row.Id), ("Expected", (long)expectedVersion));
        if (!await RunAsync(WithRows(Head.Update, parameters, state), parameters, cancellationToken, readsRow: true).ConfigureAwait(false))
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
            await RunAsync(WithRows(Head.None, parameters, state: null), parameters, cancellationToken).ConfigureAwait(false);
        }

        await base.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_timerSet)
        {
            TimerCommitted?.Invoke();
        }
    }

    private enum Head
    {
        None,
        Insert,
        Update,
    }

    // The instance's insert and version-guarded update (a running instance is leased to this node), alone and with its
    // journal row (@journal), which chains to its previous row and which the instance's own statement points to.
    private sealed record InstanceSql(string Insert, string Update, string InsertWithJournal, string UpdateWithJournal)
    {
        public static InstanceSql For(string database)
        {
            const string Columns = "id, flow_name, flow_hash, status, version, next_branch, visits, outputs, incident, created_at, updated_at, trace_parent, binding_hash, lease_owner, lease_expires_ms";
            const string Owner = "CASE WHEN @Status = 'Running' THEN @LeaseOwner ELSE NULL END";
            string expires = $"CASE WHEN @Status = 'Running' THEN {RelationalQueries.NowMs(database)} + @LeaseMs ELSE NULL END";
            string values = $"@Id, @FlowName, @FlowHash, @Status, @Version, @NextBranch, @Visits, @Outputs, @Incident, @CreatedAt, @UpdatedAt, @TraceParent, @BindingHash, {Owner}, {expires}";
            string set = $"""
                status = @Status, version = @Version, next_branch = @NextBranch, visits = @Visits, outputs = @Outputs,
                    incident = @Incident, updated_at = @UpdatedAt, lease_owner = {Owner}, lease_expires_ms = {expires}
                """;
            const string Guard = "id = @Id AND version = @Expected";
            string insert = $"INSERT INTO instances ({Columns}) VALUES ({values});";
            string update = $"UPDATE instances SET {set} WHERE {Guard} RETURNING version;";
            return database == "PostgreSQL"
                ? new(insert, update,
                    $"""
                    WITH added AS (INSERT INTO journal_commits (instance_id, entries) VALUES (@Id, @journal::json) RETURNING seq)
                    INSERT INTO instances ({Columns}, journal_seq) SELECT {values}, seq FROM added;
                    """,
                    $"""
                    WITH previous AS (SELECT journal_seq FROM instances WHERE {Guard} FOR UPDATE),
                    added AS (INSERT INTO journal_commits (instance_id, previous_seq, entries) SELECT @Id, journal_seq, @journal::json FROM previous RETURNING seq)
                    UPDATE instances SET {set}, journal_seq = (SELECT seq FROM added) WHERE {Guard} RETURNING version;
                    """)
                : new(insert, update,
                    $"""
                    INSERT INTO journal_commits (instance_id, entries) VALUES (@Id, @journal);
                    INSERT INTO instances ({Columns}, journal_seq) VALUES ({values}, last_insert_rowid());
                    """,
                    $"""
                    INSERT INTO journal_commits (instance_id, previous_seq, entries) SELECT id, journal_seq, @journal FROM instances WHERE {Guard};
                    UPDATE instances SET {set}, journal_seq = last_insert_rowid() WHERE {Guard} RETURNING version;
                    """);
        }
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

    // Runs a command of this transaction; with readsRow, returns whether its first result has a row (statements that
    // return nothing, such as an insert before the update, run and are passed over; a failing one throws).
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

    // The command text (composed once per shape): the instance's statement with its journal entries, then its branches
    // and variables; or, at the commit, a row per instance for the entries no save carried (every instance is stored by then).
    private string WithRows(Head head, List<KeyValuePair<string, object?>> parameters, InstanceState? state)
    {
        if (state is not null)
        {
            if (head == Head.Update)
            {
                parameters.Add(new("instance", state.Id));
            }

            bool branches = AddRows(parameters, _tables.Branches, StoredInstance.Branches(state),
                (w, b) => w.Text(b.InstanceId).Text(b.Id).Number(b.Position).Text(b.NodeId).Text(b.Status).Text(b.PreviousOutcome).Text(b.Wait).Number(b.TimedOut));
            bool variables = AddRows(parameters, _tables.Variables, StoredInstance.Variables(state), (w, v) => w.Text(v.InstanceId).Text(v.Name).Text(v.Value));
            int first = FirstJournalEntryOf(state.Id);
            if (first >= 0)
            {
                parameters.Add(new("journal", JournalRow(state.Id, first)));
                RemoveJournalEntriesOf(state.Id);
            }

            return Texts.GetOrAdd(new TextShape(_database, head, HeadJournal: first >= 0, branches, variables, Journals: 0), Compose);
        }

        // At the commit, the entries no save carried: one row per instance, in the order the instances first appear.
        int journals = 0;
        for (int i = 0; i < _journal.Count; i++)
        {
            string instanceId = _journal[i].InstanceId;
            if (FirstJournalEntryOf(instanceId) == i)
            {
                string suffix = JournalSuffix(journals++);
                parameters.Add(new("journal_instance" + suffix, instanceId));
                parameters.Add(new("journal" + suffix, JournalRow(instanceId, i)));
            }
        }

        _journal.Clear();
        return Texts.GetOrAdd(new TextShape(_database, Head.None, HeadJournal: false, Branches: false, Variables: false, journals), Compose);
    }

    private void RemoveJournalEntriesOf(string instanceId)
    {
        int kept = 0;
        for (int i = 0; i < _journal.Count; i++)
        {
            if (_journal[i].InstanceId != instanceId)
            {
                _journal[kept++] = _journal[i];
            }
        }

        _journal.RemoveRange(kept, _journal.Count - kept);
    }

    private int FirstJournalEntryOf(string instanceId)
    {
        for (int i = 0; i < _journal.Count; i++)
        {
            if (_journal[i].InstanceId == instanceId)
            {
                return i;
            }
        }

        return -1;
    }

    private string? JournalRow(string instanceId, int from) => JsonRowWriter.Write(JournalEntriesOf(instanceId, from),
        (w, e) => w.Text(e.NodeId).Text(e.Lane).Text(e.Event).Text(e.Outcome).Text(e.Detail).Time(e.At));

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

    private readonly record struct TextShape(string Database, Head Head, bool HeadJournal, bool Branches, bool Variables, int Journals);

    private static string Compose(TextShape shape)
    {
        bool postgres = shape.Database == "PostgreSQL";
        RowTables tables = postgres ? PostgresTables : SqliteTables;
        InstanceSql instance = postgres ? PostgresSql : SqliteSql;
        var sql = new StringBuilder(shape.Head switch
        {
            Head.Insert => shape.HeadJournal ? instance.InsertWithJournal : instance.Insert,
            Head.Update => shape.HeadJournal ? instance.UpdateWithJournal : instance.Update,
            _ => string.Empty,
        });
        if (shape.Head == Head.Update)
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
