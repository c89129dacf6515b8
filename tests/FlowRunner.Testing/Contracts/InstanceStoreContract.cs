using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;

namespace FlowRunner.Testing.Contracts;

/// <summary>
/// What every <see cref="IInstanceStore"/> must do, written once (Workflow Core's BasePersistenceFixture): a store
/// implementation's test class derives from this and says how to create a fresh, migrated store.
/// </summary>
public abstract class InstanceStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The clock the store under test is given.</summary>
    protected ManualTimeProvider Time { get; } = new();

    /// <summary>A fresh, migrated store on an empty database of its own, using <see cref="Time"/>.</summary>
    protected abstract Task<IInstanceStore> CreateStoreAsync();

    /// <summary>Two nodes on one fresh, migrated database: a store for each, with these leases, using <see cref="Time"/>.</summary>
    protected abstract Task<(IInstanceStore First, IInstanceStore Second)> CreateTwoNodesAsync(NodeLease first, NodeLease second);

    /// <summary>
    /// A store on a fresh database migrated only up to the journal's one-row-per-commit migration, in which
    /// <paramref name="oldRowsSql"/> (inserts into the old <c>journal</c> table) has run; not migrated further.
    /// </summary>
    protected abstract Task<IInstanceStore> CreateStoreBeforeJournalCommitsAsync(string oldRowsSql);

    /// <summary>How many rows of <c>journal_commits</c> hold <paramref name="instanceId"/>'s entries.</summary>
    protected abstract Task<long> CountJournalRowsAsync(IInstanceStore store, string instanceId);

    [Fact]
    public async Task A_commit_writes_its_journal_entries_as_one_row_read_back_in_order()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState first = await InsertAsync(store, "flow");
        InstanceState second = await InsertAsync(store, "flow");
        await CommitJournalAsync(store, first.Id, "enter n1", "complete n1", "enter n2");
        await CommitJournalAsync(store, second.Id, "enter n1");
        await CommitJournalAsync(store, first.Id, "end n2");

        Assert.Equal(2, await CountJournalRowsAsync(store, first.Id));
        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync(first.Id, None);
        Assert.Equal(["enter n1", "complete n1", "enter n2", "end n2"], journal.Select(e => $"{e.Event} {e.NodeId}"));
        Assert.Equal([1L, 2, 3, 4], journal.Select(e => e.Sequence));
    }

    // The entries of a step go with its instance's insert or save (one statement writes the row and the instance's
    // pointer to it); those no save carried are written at the commit. All chain in order, whatever the order of the
    // calls: an entry appended before its instance's insert in the same transaction is kept.
    [Fact]
    public async Task An_instance_s_journal_chains_through_its_insert_its_saves_and_commits_without_a_save()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = NewState("flow");
        InstanceState insertedLater = NewState("flow");
        InstanceState other = await InsertAsync(store, "flow");
        await store.SaveFlowVersionAsync(state.FlowName, state.FlowHash, "flow.flow", "text", None);
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.AppendJournalAsync(Entry(state.Id, "start"), None);
            await tx.AppendJournalAsync(Entry(insertedLater.Id, "start"), None);
            await tx.AppendJournalAsync(Entry(other.Id, "enter", "n7"), None);
            await tx.InsertAsync(state, None);
            await tx.InsertAsync(insertedLater, None);
            await tx.CommitAsync(None);
        }

        for (int step = 1; step <= 2; step++)
        {
            state.Version++;
            await using IStepTransaction tx = await store.BeginStepAsync(None);
            await tx.AppendJournalAsync(Entry(state.Id, "enter", "n" + step), None);
            await tx.SaveAsync(state, state.Version - 1, None);
            await tx.CommitAsync(None);
        }

        await CommitJournalAsync(store, state.Id, "end n2");
        await using (IStepTransaction lost = await store.BeginStepAsync(None))
        {
            await lost.AppendJournalAsync(Entry(state.Id, "enter", "n9"), None);
            await Assert.ThrowsAsync<ConcurrencyException>(() => lost.SaveAsync(state, state.Version - 1, None)); // a stale version
        }

        Assert.Equal(["start ", "enter n1", "enter n2", "end n2"], (await store.GetJournalAsync(state.Id, None)).Select(e => $"{e.Event} {e.NodeId}"));
        Assert.Equal(4, await CountJournalRowsAsync(store, state.Id)); // the lost race's row rolled back with it
        Assert.Equal("n7", Assert.Single(await store.GetJournalAsync(other.Id, None)).NodeId);
        Assert.Equal("start", Assert.Single(await store.GetJournalAsync(insertedLater.Id, None)).Event);
    }

    [Fact]
    public async Task Migrating_a_journal_with_a_row_per_entry_keeps_every_entry_in_order()
    {
        IInstanceStore store = await CreateStoreBeforeJournalCommitsAsync(
            """
            INSERT INTO flow_versions (hash, name, source_path, source, created_at) VALUES ('h', 'f', 'f.flow', 'text', '2026-01-01T00:00:00.0000000Z');
            INSERT INTO instances (id, flow_name, flow_hash, status, version, next_branch, visits, outputs, created_at, updated_at) VALUES
            ('i1', 'f', 'h', 'Waiting', 2, 1, '{}', '{}', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:02.0000000Z'),
            ('i2', 'f', 'h', 'Waiting', 1, 1, '{}', '{}', '2026-01-01T00:00:01.0000000Z', '2026-01-01T00:00:01.0000000Z');
            INSERT INTO journal (instance_id, node_id, lane, event, outcome, detail, at) VALUES
            ('i1', NULL, NULL, 'start', NULL, 'flow@abc', '2026-01-01T00:00:00.0000000Z'),
            ('i2', 'n1', 'Main', 'enter', NULL, NULL, '2026-01-01T00:00:01.0000000Z'),
            ('i1', 'n1', 'Main', 'complete', 'Yes', 'fields: email', '2026-01-01T00:00:02.0000000Z');
            """);
        await store.MigrateAsync(None);
        await CommitJournalAsync(store, "i1", "end n2");

        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync("i1", None);
        Assert.Equal(["start   flow@abc", "complete n1 Yes fields: email", "end n2  "], journal.Select(e => $"{e.Event} {e.NodeId} {e.Outcome} {e.Detail}"));
        Assert.Equal(("Main", new DateTimeOffset(2026, 1, 1, 0, 0, 2, TimeSpan.Zero)), (journal[1].Lane, journal[1].At));
        Assert.Equal("n1", Assert.Single(await store.GetJournalAsync("i2", None)).NodeId);
    }

    /// <summary>One step transaction that appends a journal entry for each "event node" text.</summary>
    protected static async Task CommitJournalAsync(IInstanceStore store, string instanceId, params string[] entries)
    {
        await using IStepTransaction step = await store.BeginStepAsync(None);
        foreach (string[] entry in entries.Select(e => e.Split(' ')))
        {
            await step.AppendJournalAsync(new JournalEntry(instanceId, 0, entry[1], null, entry[0], null, null, DateTimeOffset.UnixEpoch), None);
        }

        await step.CommitAsync(None);
    }

    [Fact]
    public async Task Migrating_again_keeps_what_is_stored()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = await InsertAsync(store, "flow");
        await store.MigrateAsync(None);
        Assert.NotNull(await store.GetAsync(state.Id, None));
    }

    [Fact]
    public async Task A_bucket_gives_its_capacity_then_refills_at_its_rate_and_says_when()
    {
        IInstanceStore store = await CreateStoreAsync();
        var taken = new List<TimeSpan?>();
        for (int i = 0; i < 4; i++)
        {
            taken.Add(await store.TakeTokenAsync("ip:1", capacity: 3, perSecond: 0.5, None));
        }

        Assert.Equal([null, null, null], taken.Take(3));
        Assert.Equal(TimeSpan.FromSeconds(2), taken[3]);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await store.TakeTokenAsync("ip:1", 3, 0.5, None));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.TakeTokenAsync("ip:1", 3, 0.5, None));
        Assert.Null(await store.TakeTokenAsync("ip:2", 3, 0.5, None));
    }

    [Fact]
    public async Task Racing_takes_never_get_more_than_the_bucket_holds()
    {
        IInstanceStore store = await CreateStoreAsync();
        TimeSpan?[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.TakeTokenAsync("user:u", 5, 0.001, None))));
        Assert.Equal(5, results.Count(r => r is null));
    }

    [Fact]
    public async Task A_clock_behind_the_last_use_refills_nothing()
    {
        IInstanceStore store = await CreateStoreAsync();
        Assert.Null(await store.TakeTokenAsync("ip:1", 1, 1, None));
        Time.Advance(TimeSpan.FromSeconds(-30)); // another node's clock, half a minute behind
        Assert.NotNull(await store.TakeTokenAsync("ip:1", 1, 1, None));
    }

    [Fact]
    public async Task Pruning_drops_buckets_idle_for_the_longest_refill_only()
    {
        IInstanceStore store = await CreateStoreAsync();
        await store.TakeTokenAsync("idle", 1, 1.0 / 3600, None);
        Time.Advance(RateBuckets.LongestRefill + TimeSpan.FromMinutes(1));
        await store.TakeTokenAsync("busy", 1, 1.0 / 3600, None);

        await store.PruneAsync(Time.GetUtcNow().AddDays(-30), None);

        Assert.Null(await store.TakeTokenAsync("idle", 1, 1.0 / 3600, None)); // gone, so full again
        Assert.NotNull(await store.TakeTokenAsync("busy", 1, 1.0 / 3600, None));
    }

    [Fact]
    public async Task A_flow_version_is_stored_once_and_found_by_its_hash()
    {
        IInstanceStore store = await CreateStoreAsync();
        await store.SaveFlowVersionAsync("auth/login", "h1", "flows/auth/login.flow", "text one", None);
        await store.SaveFlowVersionAsync("renamed", "h1", "elsewhere.flow", "text two", None);
        Assert.Equal(new StoredFlowVersion("auth/login", "flows/auth/login.flow", "text one"), await store.LoadFlowVersionAsync("h1", None));
        Assert.Null(await store.LoadFlowVersionAsync("h2", None));
    }

    [Fact]
    public async Task An_instance_reads_back_as_it_was_saved()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = NewState("flow", traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", bindingHash: "3f2a9c0d1e4b5a67");
        state.Status = InstanceStatus.Waiting;
        state.Branches.Add(new Branch
        {
            Id = state.NewBranchId(),
            NodeId = "n2",
            Status = BranchStatus.Waiting,
            PreviousOutcome = "yes",
            Wait = WaitRequest.ForFields([new("email", new InputField("email"))], Time.GetUtcNow().AddMinutes(5)),
        });
        state.Branches.Add(new Branch { Id = state.NewBranchId(), NodeId = "n7", Status = BranchStatus.Joining, TimedOut = true });
        state.Variables["email"] = Json("\"ann@example.com\"");
        state.Variables["count"] = Json("3");
        state.Outputs["token_type"] = Json("\"Bearer\"");
        state.Visits["n2"] = 2;
        state.Incident = new Incident("loop-bound", "n2", "too many visits");
        await InsertAsync(store, state);

        InstanceState loaded = (await store.GetAsync(state.Id, None))!;
        Assert.Equal((state.FlowName, state.FlowHash, state.Status, state.Version, state.NextBranch), (loaded.FlowName, loaded.FlowHash, loaded.Status, loaded.Version, loaded.NextBranch));
        Assert.Equal(state.CreatedAt, loaded.CreatedAt);
        Assert.Equal(state.TraceParent, loaded.TraceParent);
        Assert.Equal(state.BindingHash, loaded.BindingHash);
        InstanceState bare = (await store.GetAsync((await InsertAsync(store, "untraced", InstanceStatus.Running)).Id, None))!;
        Assert.Equal((null, null), (bare.TraceParent, bare.BindingHash));
        Assert.Equal(["b1:n2:Waiting:yes:False", "b2:n7:Joining::True"], loaded.Branches.Select(b => $"{b.Id}:{b.NodeId}:{b.Status}:{b.PreviousOutcome}:{b.TimedOut}"));
        Assert.Equal(state.Branches[0].Wait!.Deadline, loaded.Branches[0].Wait!.Deadline);
        Assert.Equal("email", loaded.Branches[0].Wait!.Fields.Single().Value.Type);
        Assert.Equal(["count=3", "email=\"ann@example.com\""], loaded.Variables.OrderBy(v => v.Key).Select(v => v.Key + "=" + v.Value.GetRawText()));
        Assert.Equal("\"Bearer\"", loaded.Outputs["token_type"].GetRawText());
        Assert.Equal(2, loaded.Visits["n2"]);
        Assert.Equal(state.Incident, loaded.Incident);
        Assert.Null(await store.GetAsync("no-such-instance", None));
    }

    [Fact]
    public async Task A_save_stores_the_new_version_and_a_stale_save_changes_nothing_and_cannot_commit()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState inserted = await InsertAsync(store, "flow");
        InstanceState first = (await store.GetAsync(inserted.Id, None))!;
        InstanceState second = (await store.GetAsync(inserted.Id, None))!;

        first.Visits["n1"] = 1;
        first.Version++;
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.SaveAsync(first, inserted.Version, None);
            await tx.CommitAsync(None);
        }

        second.Visits["n9"] = 9;
        second.Version++;
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await Assert.ThrowsAsync<ConcurrencyException>(() => tx.SaveAsync(second, inserted.Version, None));
            await Assert.ThrowsAsync<InvalidOperationException>(() => tx.CommitAsync(None)); // the loser's transaction only rolls back
        }

        InstanceState stored = (await store.GetAsync(inserted.Id, None))!;
        Assert.Equal(inserted.Version + 1, stored.Version);
        Assert.Equal(["n1"], stored.Visits.Keys);
    }

    [Fact]
    public async Task A_step_not_committed_leaves_nothing()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = NewState("flow");
        await store.SaveFlowVersionAsync(state.FlowName, state.FlowHash, "f.flow", "text", None);
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.InsertAsync(state, None);
            await tx.AppendJournalAsync(Entry(state.Id, "start"), None);
            await tx.AddOutboxAsync(state.Id, "email", Json("{}"), None);
        }

        Assert.Null(await store.GetAsync(state.Id, None));
        Assert.Empty(await store.GetJournalAsync(state.Id, None));
        Assert.Empty(await store.ReadOutboxAsync(0, 10, None));
    }

    [Fact]
    public async Task The_journal_keeps_each_instance_s_entries_in_order()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState a = await InsertAsync(store, "flow");
        InstanceState b = await InsertAsync(store, "flow");
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.AppendJournalAsync(Entry(a.Id, "enter", "n1"), None);
            await tx.AppendJournalAsync(Entry(b.Id, "enter", "n9"), None);
            await tx.AppendJournalAsync(Entry(a.Id, "complete", "n1", outcome: "yes", detail: "fields: email"), None);
            await tx.CommitAsync(None);
        }

        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync(a.Id, None);
        Assert.Equal(["enter n1", "complete n1 yes fields: email"], journal.Select(e => $"{e.Event} {e.NodeId}{(e.Outcome is null ? string.Empty : " " + e.Outcome)}{(e.Detail is null ? string.Empty : " " + e.Detail)}"));
        Assert.True(journal[0].Sequence < journal[1].Sequence);
        Assert.Equal(Time.GetUtcNow(), journal[0].At);
        Assert.Equal("n9", Assert.Single(await store.GetJournalAsync(b.Id, None)).NodeId);
    }

    [Fact]
    public async Task Journal_text_reads_back_as_written_and_what_text_cannot_hold_as_U_FFFD()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = await InsertAsync(store, "flow");
        string[] details = ["quotes \" and \\ backslashes", "tab\tnew line\n", "naïve café ✓ 😀", "<script>&amp;'+", "{\"json\": [1, 2]}", string.Empty];
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            foreach (string detail in details)
            {
                await tx.AppendJournalAsync(Entry(state.Id, "complete", "n1", detail: detail), None);
            }

            // What a database's text cannot hold (PostgreSQL's no NUL, UTF-8 no lone surrogate) is stored as U+FFFD by both.
            await tx.AppendJournalAsync(Entry(state.Id, "complete", "n1", detail: "lone \uD800 surrogate, nul \0 end"), None);
            await tx.CommitAsync(None);
        }

        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync(state.Id, None);
        Assert.Equal([.. details, "lone \uFFFD surrogate, nul \uFFFD end"], journal.Select(e => e.Detail));
    }

    [Fact]
    public async Task Timers_are_due_once_their_time_comes_and_gone_once_cleared()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = await InsertAsync(store, "flow");
        DateTimeOffset due = Time.GetUtcNow().AddMinutes(5);
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.SetTimerAsync(state.Id, "b1", due.AddMinutes(10), None);
            await tx.SetTimerAsync(state.Id, "b1", due, None); // replaces the first
            await tx.CommitAsync(None);
        }

        Assert.Empty(await store.FindDueTimersAsync(due.AddSeconds(-1), None));
        Assert.Equal(new DueTimer(state.Id, "b1", due), Assert.Single(await store.FindDueTimersAsync(due, None)));

        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.ClearTimerAsync(state.Id, "b1", None);
            await tx.CommitAsync(None);
        }

        Assert.Empty(await store.FindDueTimersAsync(due.AddDays(1), None));
    }

    [Fact]
    public async Task Outbox_messages_are_read_in_order_after_a_position()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = await InsertAsync(store, "flow");
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.AddOutboxAsync(state.Id, "email", Json("{\"to\":\"a@example.com\"}"), None);
            await tx.AddOutboxAsync(state.Id, "sms", Json("{\"to\":\"+1\"}"), None);
            await tx.CommitAsync(None);
        }

        IReadOnlyList<OutboxMessage> all = await store.ReadOutboxAsync(0, 10, None);
        Assert.Equal(["email a@example.com", "sms +1"], all.Select(m => m.Kind + " " + m.Payload.GetProperty("to").GetString()));
        Assert.All(all, m => Assert.Equal((state.Id, Time.GetUtcNow()), (m.InstanceId, m.CreatedAt)));
        Assert.Equal("sms", Assert.Single(await store.ReadOutboxAsync(all[0].Id, 10, None)).Kind);
        Assert.Single(await store.ReadOutboxAsync(0, 1, None));
    }

    [Fact]
    public async Task Rolling_back_to_a_savepoint_undoes_only_the_writes_after_it()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = await InsertAsync(store, "flow");
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.AddOutboxAsync(state.Id, "before", Json("{}"), None);
            await tx.SavepointAsync(None);
            await tx.AddOutboxAsync(state.Id, "undone", Json("{}"), None);
            await tx.RollbackToSavepointAsync(None);
            await tx.SavepointAsync(None);
            await tx.AddOutboxAsync(state.Id, "kept", Json("{}"), None);
            await tx.ReleaseSavepointAsync(None);
            await tx.CommitAsync(None);
        }

        Assert.Equal(["before", "kept"], (await store.ReadOutboxAsync(0, 10, None)).Select(m => m.Kind));
    }

    [Fact]
    public async Task A_node_starting_again_under_its_name_claims_its_running_instances_oldest_first()
    {
        (IInstanceStore store, _) = await CreateTwoNodesAsync(new NodeLease("a", TimeSpan.FromMinutes(1)), new NodeLease("b", TimeSpan.FromMinutes(1)));
        InstanceState first = await InsertAsync(store, "flow", InstanceStatus.Running);
        Time.Advance(TimeSpan.FromSeconds(1));
        await InsertAsync(store, "flow", InstanceStatus.Waiting);
        await InsertAsync(store, "flow", InstanceStatus.Completed);
        Time.Advance(TimeSpan.FromSeconds(1));
        InstanceState last = await InsertAsync(store, "flow", InstanceStatus.Running);

        Assert.Empty(await store.ClaimRunnableAsync(10, includeOwn: false, None)); // its own live leases: a sweep leaves them
        Assert.Equal([first.Id, last.Id], await store.ClaimRunnableAsync(10, includeOwn: true, None));
        Assert.Equal(first.Version + 1, (await store.GetAsync(first.Id, None))!.Version);
    }

    [Fact]
    public async Task A_running_instance_is_leased_to_its_node_until_the_lease_runs_out_by_the_databases_clock()
    {
        (IInstanceStore a, IInstanceStore b) = await CreateTwoNodesAsync(new NodeLease("a", TimeSpan.FromSeconds(1)), new NodeLease("b", TimeSpan.FromSeconds(1)));
        InstanceState state = await InsertAsync(a, "flow", InstanceStatus.Running);

        Time.Advance(TimeSpan.FromHours(1)); // the nodes' own clocks do not count
        Assert.Empty(await b.ClaimRunnableAsync(10, includeOwn: true, None));
        Assert.False(await b.ClaimAsync(state.Id, atVersion: null, None));
        await Task.Delay(TimeSpan.FromMilliseconds(1_300));

        Assert.Equal([state.Id], await b.ClaimRunnableAsync(10, includeOwn: false, None));
        Assert.False(await a.ClaimAsync(state.Id, atVersion: null, None)); // now b's
    }

    [Fact]
    public async Task A_node_whose_instance_was_taken_over_can_commit_nothing_on_it()
    {
        (IInstanceStore a, IInstanceStore b) = await CreateTwoNodesAsync(new NodeLease("a", TimeSpan.FromMilliseconds(300)), new NodeLease("b", TimeSpan.FromSeconds(30)));
        InstanceState inserted = await InsertAsync(a, "flow", InstanceStatus.Running);
        InstanceState stale = (await a.GetAsync(inserted.Id, None))!;
        await Task.Delay(TimeSpan.FromMilliseconds(600)); // a froze past its lease
        Assert.Equal([inserted.Id], await b.ClaimRunnableAsync(10, includeOwn: false, None));

        stale.Visits["n1"] = 1;
        stale.Version++;
        await using (IStepTransaction tx = await a.BeginStepAsync(None))
        {
            await Assert.ThrowsAsync<ConcurrencyException>(() => tx.SaveAsync(stale, inserted.Version, None));
        }

        InstanceState current = (await b.GetAsync(inserted.Id, None))!;
        int claimed = current.Version;
        current.Status = InstanceStatus.Completed;
        current.Version++;
        await using (IStepTransaction tx = await b.BeginStepAsync(None))
        {
            await tx.SaveAsync(current, claimed, None);
            await tx.CommitAsync(None);
        }

        Assert.Equal(InstanceStatus.Completed, (await a.GetAsync(inserted.Id, None))!.Status);
        Assert.False((await a.GetAsync(inserted.Id, None))!.Visits.ContainsKey("n1"));
    }

    [Fact]
    public async Task Renewing_a_lease_keeps_the_instance_and_a_finished_step_frees_it()
    {
        (IInstanceStore a, IInstanceStore b) = await CreateTwoNodesAsync(new NodeLease("a", TimeSpan.FromSeconds(1)), new NodeLease("b", TimeSpan.FromSeconds(1)));
        InstanceState state = await InsertAsync(a, "flow", InstanceStatus.Running);
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        await a.RenewLeasesAsync([state.Id], None);
        await b.RenewLeasesAsync([state.Id], None); // not b's: changes nothing
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.Empty(await b.ClaimRunnableAsync(10, includeOwn: false, None)); // 1.2 s after the insert, 0.6 after the renewal

        InstanceState waiting = (await a.GetAsync(state.Id, None))!;
        int loaded = waiting.Version;
        waiting.Status = InstanceStatus.Waiting;
        waiting.Version++;
        await using (IStepTransaction tx = await a.BeginStepAsync(None))
        {
            await tx.SaveAsync(waiting, loaded, None);
            await tx.CommitAsync(None);
        }

        Assert.True(await b.ClaimAsync(state.Id, atVersion: waiting.Version, None)); // a waiting instance is no one's
    }

    [Fact]
    public async Task A_node_giving_its_instances_up_lets_another_claim_them_at_once()
    {
        (IInstanceStore a, IInstanceStore b) = await CreateTwoNodesAsync(new NodeLease("a", TimeSpan.FromMinutes(1)), new NodeLease("b", TimeSpan.FromMinutes(1)));
        InstanceState state = await InsertAsync(a, "flow", InstanceStatus.Running);
        await b.ReleaseLeasesAsync([state.Id], None); // not b's to give
        Assert.Empty(await b.ClaimRunnableAsync(10, includeOwn: false, None));

        await a.ReleaseLeasesAsync([state.Id], None);
        Assert.Equal([state.Id], await b.ClaimRunnableAsync(10, includeOwn: false, None));
    }

    [Fact]
    public async Task Waiting_for_work_with_none_given_up_returns_after_the_time_given()
    {
        IInstanceStore store = await CreateStoreAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await store.WaitForWorkAsync(TimeSpan.FromMilliseconds(300), None);
        Assert.InRange(waited.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_next_timer_due_is_the_earliest_set_and_none_once_all_are_cleared()
    {
        IInstanceStore store = await CreateStoreAsync();
        Assert.Null(await store.NextTimerDueAsync(None));
        InstanceState state = await InsertAsync(store, "flow");
        DateTimeOffset due = Time.GetUtcNow().AddMinutes(5);
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.SetTimerAsync(state.Id, "b1", due.AddMinutes(1), None);
            await tx.SetTimerAsync(state.Id, "b2", due, None);
            await tx.CommitAsync(None);
        }

        Assert.Equal(due, await store.NextTimerDueAsync(None));
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.ClearTimerAsync(state.Id, "b1", None);
            await tx.ClearTimerAsync(state.Id, "b2", None);
            await tx.CommitAsync(None);
        }

        Assert.Null(await store.NextTimerDueAsync(None));
    }

    [Fact]
    public async Task A_step_that_sets_a_timer_wakes_the_node_waiting_for_work_once_it_commits()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState state = await InsertAsync(store, "flow");
        await store.WaitForWorkAsync(TimeSpan.FromMilliseconds(300), None); // listening from here on, where a store listens
        var waited = System.Diagnostics.Stopwatch.StartNew();
        Task woken = store.WaitForWorkAsync(TimeSpan.FromMinutes(2), None);
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.SetTimerAsync(state.Id, "b1", Time.GetUtcNow().AddMinutes(1), None);
            await Task.Delay(200);
            Assert.False(woken.IsCompleted, "woken before the timer was committed");
            await tx.CommitAsync(None);
        }

        await woken.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"woken after {waited.Elapsed}");
    }

    [Fact]
    public async Task Of_nodes_claiming_an_instance_at_one_version_exactly_one_wins()
    {
        (IInstanceStore a, IInstanceStore b) = await CreateTwoNodesAsync(new NodeLease("a", TimeSpan.FromSeconds(30)), new NodeLease("b", TimeSpan.FromSeconds(30)));
        InstanceState state = await InsertAsync(a, "flow", InstanceStatus.Waiting);
        bool[] won = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).ClaimAsync(state.Id, state.Version, None))));
        Assert.Single(won, w => w);
        Assert.Equal(state.Version + 1, (await a.GetAsync(state.Id, None))!.Version);
    }

    [Fact]
    public async Task Instances_are_listed_newest_first_of_all_flows_or_of_one()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState a = await InsertAsync(store, "auth/login");
        Time.Advance(TimeSpan.FromSeconds(1));
        InstanceState b = await InsertAsync(store, "auth/refresh");
        Time.Advance(TimeSpan.FromSeconds(1));
        InstanceState c = await InsertAsync(store, "auth/login");

        Assert.Equal([c.Id, b.Id, a.Id], (await store.ListAsync(null, 10, None)).Select(s => s.Id));
        Assert.Equal([c.Id, a.Id], (await store.ListAsync("auth/login", 10, None)).Select(s => s.Id));
        InstanceSummary newest = Assert.Single(await store.ListAsync(null, 1, None));
        Assert.Equal((c.Id, "auth/login", c.FlowHash, c.Status, c.CreatedAt), (newest.Id, newest.FlowName, newest.FlowHash, newest.Status, newest.CreatedAt));
    }

    [Fact]
    public async Task A_waiting_instance_is_found_by_flow_node_and_a_variable_s_value()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState older = await InsertWaitingAsync(store, "auth/reset", "n4", "token_hash", "\"abc\"");
        Time.Advance(TimeSpan.FromSeconds(1));
        InstanceState newer = await InsertWaitingAsync(store, "auth/reset", "n4", "token_hash", "\"abc\"");
        await InsertWaitingAsync(store, "auth/reset", "n5", "token_hash", "\"xyz\"");

        Assert.Equal(newer.Id, await store.FindWaitingInstanceAsync("auth/reset", "n4", "token_hash", Json("\"abc\""), None));
        Assert.Null(await store.FindWaitingInstanceAsync("auth/reset", "n4", "token_hash", Json("\"xyz\""), None));
        Assert.Null(await store.FindWaitingInstanceAsync("auth/other", "n4", "token_hash", Json("\"abc\""), None));
        Assert.Null(await store.FindWaitingInstanceAsync("auth/reset", "n4", "other", Json("\"abc\""), None));
        Assert.NotEqual(older.Id, newer.Id);
    }

    [Fact]
    public async Task A_store_type_nobody_registered_is_refused_by_name()
    {
        IInstanceStore store = await CreateStoreAsync();
        await using IUnitOfWork work = await store.BeginWorkAsync(None);
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => work.Store<IUnregisteredStore>());
        Assert.Contains(nameof(IUnregisteredStore), refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A store interface no pack registers.</summary>
    public interface IUnregisteredStore;

    private InstanceState NewState(string flow, InstanceStatus status = InstanceStatus.Running, string? traceParent = null, string? bindingHash = null) => new()
    {
        Id = RecordId.New(),
        TraceParent = traceParent,
        BindingHash = bindingHash,
        FlowName = flow,
        FlowHash = "hash-of-" + flow,
        Status = status,
        CreatedAt = Time.GetUtcNow(),
        UpdatedAt = Time.GetUtcNow(),
    };

    [Fact]
    public async Task Pruning_deletes_finished_instances_past_the_age_with_their_journal_and_sent_messages_only()
    {
        IInstanceStore store = await CreateStoreAsync();
        InstanceState completed = await InsertAsync(store, "flow", InstanceStatus.Completed);
        InstanceState faulted = await InsertAsync(store, "flow", InstanceStatus.Faulted);
        InstanceState waiting = await InsertAsync(store, "flow", InstanceStatus.Waiting);
        await CommitJournalAsync(store, waiting.Id, "enter n1");
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.AppendJournalAsync(Entry(completed.Id, JournalEvent.Start), None);
            await tx.AddOutboxAsync(completed.Id, "email.sent", Json("{\"to\":\"ann@example.com\"}"), None);
            await tx.AddOutboxAsync(completed.Id, "email.unsent", Json("{\"to\":\"bob@example.com\"}"), None);
            await tx.CommitAsync(None);
        }

        IReadOnlyList<OutboxMessage> messages = await store.ReadOutboxAsync(0, 10, None);
        await store.MarkOutboxSentAsync([messages.Single(m => m.Kind == "email.sent").Id], Time.GetUtcNow(), None);
        Assert.DoesNotContain("ann@example.com", (await store.ReadOutboxAsync(0, 10, None)).Single(m => m.Kind == "email.sent").Payload.GetRawText(), StringComparison.Ordinal);

        InstanceState finishingLate = await InsertAsync(store, "flow", InstanceStatus.Waiting);
        Time.Advance(TimeSpan.FromDays(31));
        InstanceState recent = await InsertAsync(store, "flow", InstanceStatus.Completed);
        finishingLate.Status = InstanceStatus.Completed;
        finishingLate.UpdatedAt = Time.GetUtcNow();
        finishingLate.Version++;
        await using (IStepTransaction tx = await store.BeginStepAsync(None))
        {
            await tx.SaveAsync(finishingLate, finishingLate.Version - 1, None);
            await tx.CommitAsync(None);
        }

        Assert.Equal(2, await store.PruneAsync(Time.GetUtcNow().AddDays(-30), None));

        Assert.Null(await store.GetAsync(completed.Id, None));
        Assert.Null(await store.GetAsync(faulted.Id, None));
        Assert.Equal(0, await CountJournalRowsAsync(store, completed.Id)); // deleted, not only unreachable
        Assert.Equal(1, await CountJournalRowsAsync(store, waiting.Id));
        Assert.NotNull(await store.GetAsync(waiting.Id, None)); // still waiting: not finished, not pruned
        Assert.NotNull(await store.GetAsync(recent.Id, None));
        Assert.NotNull(await store.GetAsync(finishingLate.Id, None)); // created long ago, finished within the age
        Assert.Equal(["email.unsent"], (await store.ReadOutboxAsync(0, 10, None)).Select(m => m.Kind)); // unsent: never lost
    }

    private Task<InstanceState> InsertAsync(IInstanceStore store, string flow, InstanceStatus status = InstanceStatus.Running) =>
        InsertAsync(store, NewState(flow, status));

    private static async Task<InstanceState> InsertAsync(IInstanceStore store, InstanceState state)
    {
        await store.SaveFlowVersionAsync(state.FlowName, state.FlowHash, state.FlowName + ".flow", "text", None);
        await using IStepTransaction tx = await store.BeginStepAsync(None);
        await tx.InsertAsync(state, None);
        await tx.CommitAsync(None);
        return state;
    }

    private async Task<InstanceState> InsertWaitingAsync(IInstanceStore store, string flow, string node, string variable, string value)
    {
        InstanceState state = NewState(flow, InstanceStatus.Waiting);
        state.Branches.Add(new Branch { Id = state.NewBranchId(), NodeId = node, Status = BranchStatus.Waiting, Wait = WaitRequest.Confirmation });
        state.Variables[variable] = Json(value);
        return await InsertAsync(store, state);
    }

    private JournalEntry Entry(string instance, string @event, string? node = null, string? outcome = null, string? detail = null) =>
        new(instance, 0, node, node is null ? null : "Lane", @event, outcome, detail, Time.GetUtcNow());

    private static JsonElement Json(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
