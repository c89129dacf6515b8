using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Testing;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// The step protocol: a handler runs with no transaction open and reads through a read-only view; its writes run in
/// the step's short commit, guarded by the instance version; a step that lost a race is run again from what is stored.
/// </summary>
public sealed class HandlerCommitScenario
{
    private const string Chain = """
        Main { # Main
        n1: circle label:"Start"
        n2: rectangle label:"Probe"
        n3: rectangle label:"Probe"
        n4: rectangle label:"Probe"
        n5: circle label:"End"
        n1.handle(right) -> n2.handle(left)
        n2.handle(right) -> n3.handle(left)
        n3.handle(right) -> n4.handle(left)
        n4.handle(right) -> n5.handle(left)
        }
        """;

    [Fact]
    public async Task A_handler_runs_with_no_transaction_open_and_its_writes_commit_with_its_step()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var probe = new LockProbeActivity(h.Store.Path);
        h.Registry.Add(probe);
        h.Restart();

        RunResult run = await h.StartAsync(h.Load("chain", Chain));

        Assert.Equal(InstanceStatus.Completed, run.Status);
        // Each handler took the database's write lock itself, with no wait allowed: nothing else held it.
        Assert.Equal([true, true, true], probe.LockWasFree);
        Assert.Equal(["n2", "n3", "n4"], h.Records());
    }

    [Fact]
    public async Task Writing_through_the_read_only_view_faults_the_instance_and_writes_nothing()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        h.Registry.Add(new WriteOutsideCommitActivity());
        h.Restart();

        RunResult run = await h.StartAsync(h.Load("chain", Chain, """{ "nodes": { "n2": { "activity": "test.write-outside" } } }"""));

        Assert.Equal(InstanceStatus.Faulted, run.Status);
        Assert.Equal(IncidentCode.ActivityError, run.Incident!.Code);
        Assert.Contains("test.write-outside", run.Incident.Message, StringComparison.Ordinal);
        Assert.Contains("readonly", run.Incident.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(h.Records());
    }

    [Fact]
    public async Task A_step_that_lost_a_race_runs_again_and_its_commit_work_applies_once()
    {
        // n1 forks into two waits; answering n3 runs the held handler n5, and while it is held, n2 is answered.
        const string Fork = """
            Main { # Main
            n1: circle label:"Start"
            n2: rectangle label:"Approve"
            n3: rectangle label:"Check"
            n4: circle label:"End"
            n5: rectangle label:"Held"
            n1.handle(right) -> n2.handle(left)
            n1.handle(bottom) -> n3.handle(left)
            n2.handle(right) -> n4.handle(left)
            n3.handle(right) -> n5.handle(left)
            n5.handle(right) -> n4.handle(bottom)
            }
            """;
        using var spans = new SpanCapture();
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var held = new HeldActivity();
        h.Registry.Add(held);
        h.Restart();
        RunResult run = await h.StartAsync(h.Load("fork", Fork, """{ "nodes": { "n5": { "activity": "test.held" } } }"""));
        Assert.Equal(["n2", "n3"], run.WaitingAt.Select(w => w.Node).Order());

        Task<RunResult> checking = h.ResumeAsync(run, "n3");
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        RunResult approved = await h.ResumeAsync(run, "n2"); // commits first: the held run's commit finds the instance moved on
        Assert.Equal(InstanceStatus.Waiting, approved.Status);
        held.Release.SetResult();
        RunResult checkedRun = await checking.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(InstanceStatus.Completed, checkedRun.Status); // the answer to n3 was taken again on what n2's answer left
        Assert.Equal(2, held.Calls); // the held run lost the race: its commit was discarded, not applied a second time
        Assert.Equal(["n5"], h.Records());
        Assert.Equal(1, h.Query<long>("SELECT COUNT(*) FROM journal WHERE instance_id = @id AND node_id = 'n5' AND event = 'complete'", new { id = run.InstanceId }).Single());
        // The discarded run of n5 left no span: one node span per execution that counts, as the journal has them.
        Assert.Single(spans.Nodes(run.InstanceId, "n5"));
        Assert.Equal(2, spans.Nodes(run.InstanceId, "n3").Length); // its wait, then the answer taken again: each committed once
    }

    private static ValueTask<ActivityResult> RecordInCommit(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
        {
            await data.Store<RecordStore>().RecordAsync(context.InstanceId, context.Node.Id).ConfigureAwait(false);
            return ActivityResult.Done();
        }));

    /// <summary>Tries to take the write lock with no wait while it runs, then records in its commit.</summary>
    private sealed class LockProbeActivity(string databasePath) : IActivityHandler
    {
        public List<bool> LockWasFree { get; } = [];

        public string Type => "test.lock-probe";

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => ["Probe"];

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False;Default Timeout=0");
            connection.Open();
            try
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
                transaction.Rollback();
                LockWasFree.Add(true);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 5) // SQLITE_BUSY: someone holds the write lock
            {
                LockWasFree.Add(false);
            }

            return RecordInCommit(context);
        }
    }

    /// <summary>Writes through the read-only view, as a handler must not.</summary>
    private sealed class WriteOutsideCommitActivity : IActivityHandler
    {
        public string Type => "test.write-outside";

        public IReadOnlyList<string> Outcomes => [];

        public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            await context.Data.Store<RecordStore>().RecordAsync(context.InstanceId, context.Node.Id).ConfigureAwait(false);
            return ActivityResult.Done();
        }
    }

    /// <summary>Its first run waits for <see cref="Release"/>; every run records in its commit.</summary>
    private sealed class HeldActivity : IActivityHandler
    {
        private int _calls;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => _calls;

        public string Type => "test.held";

        public IReadOnlyList<string> Outcomes => [];

        public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Entered.SetResult();
                await Release.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return await RecordInCommit(context).ConfigureAwait(false);
        }
    }
}
