using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// A run commits its saved steps before any handler runs (no transaction is open while handlers work), and steps
/// without handlers share a transaction (RuntimeOptions.StepsPerTransaction): an interruption loses only the
/// uncommitted step, its writes roll back with it, and recovery runs each step once.
/// </summary>
public sealed class StepTransactionScenario
{
    //  (n1) -> [n2] -> [n3] -> ... -> [n9] -> (n10), every rectangle records a row; n6 can be interrupted.
    private static string ChainFlow()
    {
        var text = new StringBuilder("Main { # Main\nn1: circle label:\"Start\"\n");
        for (int i = 2; i <= 9; i++)
        {
            text.Append($"n{i}: rectangle label:\"Record it\"\n");
        }

        text.Append("n10: circle label:\"End\"\n");
        for (int i = 1; i < 10; i++)
        {
            text.Append($"n{i}.handle(right) -> n{i + 1}.handle(left)\n");
        }

        return text.Append("}\n").ToString();
    }

    [Fact]
    public async Task An_interrupted_run_keeps_the_committed_steps_and_recovery_runs_the_rest_exactly_once()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var interrupt = new InterruptActivity();
        h.Registry.Add(interrupt);
        h.Restart(new RuntimeOptions { StepsPerTransaction = 4 });
        BoundFlow flow = h.Load("chain", ChainFlow(), """{ "nodes": { "n6": { "activity": "test.interrupt" } } }""");

        // n1..n5 committed before n6's handler ran; n6, interrupted in its handler, left nothing behind.
        interrupt.Armed = true;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.StartAsync(flow));
        Assert.Equal(["n2", "n3", "n4", "n5"], h.Records());
        string id = Assert.Single(h.Query<string>("SELECT id FROM instances"));
        Assert.Equal("n6", Assert.Single(h.Query<string>("SELECT node_id FROM branches WHERE instance_id = @id", new { id })));
        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], h.Query<string>("SELECT node_id FROM journal WHERE instance_id = @id AND event = 'enter' ORDER BY seq, position", new { id }));

        interrupt.Armed = false;
        h.Restart(new RuntimeOptions { StepsPerTransaction = 4 });
        Assert.Equal(1, await h.Runtime.RecoverAsync(CancellationToken.None));
        RunResult done = await h.Runtime.GetResultAsync(id, CancellationToken.None);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(["n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"], h.Records());
        Assert.Equal(["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"], done.Path.ToArray());
    }

    [Fact]
    public async Task An_instant_handler_runs_in_the_open_transaction_so_an_interruption_there_rolls_back_the_step_before_it()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var interrupt = new InterruptActivity { IsInstant = true };
        h.Registry.Add(interrupt);
        h.Restart();
        BoundFlow flow = h.Load("chain", ChainFlow(), """{ "nodes": { "n6": { "activity": "test.interrupt" } } }""");

        // n5's record was written in the transaction n5's commit work opened; n6, instant, ran with it still open (a
        // handler that is not instant finds it committed: the test above), so the interruption took n5 with it.
        interrupt.Armed = true;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.StartAsync(flow));
        Assert.Equal(["n2", "n3", "n4"], h.Records());
        string id = Assert.Single(h.Query<string>("SELECT id FROM instances"));
        Assert.Equal("n5", Assert.Single(h.Query<string>("SELECT node_id FROM branches WHERE instance_id = @id", new { id })));

        interrupt.Armed = false;
        h.Restart();
        Assert.Equal(1, await h.Runtime.RecoverAsync(CancellationToken.None));
        RunResult done = await h.Runtime.GetResultAsync(id, CancellationToken.None);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(["n2", "n3", "n4", "n5", "n7", "n8", "n9"], h.Records()); // n6, instant, writes nothing
        Assert.Equal(["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"], done.Path.ToArray());
    }

    [Fact]
    public async Task Commit_work_of_an_instant_handler_runs_behind_a_savepoint_so_its_failure_rolls_back_only_its_writes()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        h.Registry.Add(new InstantWrite("test.instant-failing-write", fails: true));
        h.Restart();
        BoundFlow flow = h.Load("chain", ChainFlow(), """{ "nodes": { "n6": { "activity": "test.instant-failing-write" } } }""");

        RunResult run = await h.StartAsync(flow);

        Assert.Equal(InstanceStatus.Faulted, run.Status);
        Assert.Equal(["n2", "n3", "n4", "n5"], h.Records()); // n5's write committed; n6's rolled back with its failure
    }

    [Fact]
    public async Task Commit_work_of_an_instant_handler_shares_the_open_transaction_so_an_interruption_after_it_rolls_back_both_steps()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var interrupt = new InterruptActivity { IsInstant = true };
        h.Registry.Add(interrupt).Add(new InstantWrite("test.instant-write", fails: false));
        h.Restart();
        BoundFlow flow = h.Load("chain", ChainFlow(), """{ "nodes": { "n6": { "activity": "test.instant-write" }, "n7": { "activity": "test.interrupt" } } }""");

        // n5's commit work opened the transaction; n6's ran in it (no commit between them), so n7's interruption took both.
        interrupt.Armed = true;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.StartAsync(flow));
        Assert.Equal(["n2", "n3", "n4"], h.Records());

        interrupt.Armed = false;
        h.Restart();
        Assert.Equal(1, await h.Runtime.RecoverAsync(CancellationToken.None));
        Assert.Equal(["n2", "n3", "n4", "n5", "n6", "n8", "n9"], h.Records()); // each once; n7, instant, writes nothing
    }

    [Theory]
    [InlineData("""{ "nodes": { "n2": { "timeout": "PT15M" } } }""", 1)]
    [InlineData(null, 0)]
    public async Task An_answer_removes_the_timer_of_a_wait_with_a_deadline(string? bindings, int timersWhileWaiting)
    {
        const string approval = "Main { # Main\nn1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: circle label:\"Done\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n";
        await using EngineHarness h = await EngineHarness.CreateAsync();
        RunResult waiting = await h.StartAsync(h.Load("approval", approval, bindings));
        Assert.Equal(timersWhileWaiting, h.Query<int>("SELECT COUNT(*) FROM timers").Single());

        RunResult done = await h.Runtime.ResumeAsync(waiting.InstanceId, "n2", System.Collections.Immutable.ImmutableDictionary<string, JsonElement>.Empty, null, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(0, h.Query<int>("SELECT COUNT(*) FROM timers").Single());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public async Task Any_batch_size_gives_the_same_run(int stepsPerTransaction)
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        h.Restart(new RuntimeOptions { StepsPerTransaction = stepsPerTransaction });
        RunResult run = await h.StartAsync(h.Load("chain", ChainFlow()));
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"], run.Path.ToArray());
        Assert.Equal(["n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"], h.Records());
        Assert.Equal(10, run.Version); // one saved version per step, whatever the transactions
    }

    /// <summary>Records like test.record, or throws OperationCanceledException (an interruption the runtime does not catch) while armed.</summary>
    private sealed class InterruptActivity : IActivityHandler
    {
        public bool Armed { get; set; }

        /// <summary>Instant: runs within the open transaction and, when not armed, hands on without writing.</summary>
        public bool IsInstant { get; init; }

        public string Type => "test.interrupt";

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => [];

        public string? ValidateOptions(JsonElement options) => null;

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            if (Armed)
            {
                throw new OperationCanceledException("interrupted in the middle of a run");
            }

            if (IsInstant)
            {
                return ValueTask.FromResult(ActivityResult.Done());
            }

            return ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
            {
                await data.Store<RecordStore>().RecordAsync(context.InstanceId, context.Node.Id).ConfigureAwait(false);
                return ActivityResult.Done(ImmutableDictionary<string, JsonElement>.Empty);
            }));
        }
    }

    /// <summary>Instant, and returns commit work that writes a record (and then fails, when asked to).</summary>
    private sealed class InstantWrite(string type, bool fails) : IActivityHandler
    {
        public string Type => type;

        public IReadOnlyList<string> Outcomes => [];

        public bool IsInstant => true;

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
            {
                await data.Store<RecordStore>().RecordAsync(context.InstanceId, context.Node.Id).ConfigureAwait(false);
                return fails ? ActivityResult.Fail("the write is refused") : ActivityResult.Done();
            }));
    }
}
