using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// An instance runs where the nodes that ran a handler at its start still have one (which handler may change). A process
/// where one lost it (an activity assembly not loaded) or whose bindings file names a handler it lacks refuses the
/// instance with the reason and leaves it as it was, instead of running a handler's node as a manual task or faulting it.
/// </summary>
public sealed class BindingChangeScenario
{
    //  (n1) -> [n2 Approve: manual] -> [n3 Record it] -> (n4)
    private const string Work = "Main { # Main\nn1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: rectangle label:\"Record it\"\nn4: circle label:\"End\"\n"
        + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left)\n}\n";

    private static readonly ImmutableDictionary<string, JsonElement> NoInput = ImmutableDictionary<string, JsonElement>.Empty;

    [Fact]
    public async Task A_process_without_a_node_s_handler_refuses_the_answer_and_leaves_the_instance_as_it_was()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        RunResult waiting = await h.StartAsync(h.Load("work", Work));

        // There "Record it" binds to nothing: n3 would wait as a manual task.
        FlowNotRunnableException refused = await RefusedElsewhereAsync(h, waiting);

        Assert.Contains("n3 waits as a manual task", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--activities", refused.Message, StringComparison.Ordinal);
        RunResult unchanged = await h.Runtime.GetResultAsync(waiting.InstanceId, CancellationToken.None);
        Assert.Equal((InstanceStatus.Waiting, waiting.Version), (unchanged.Status, unchanged.Version));

        RunResult done = await h.ResumeAsync(waiting, "n2"); // where it is bound as it started, it runs on
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(["n3"], h.Records());
    }

    [Fact]
    public async Task Binding_a_node_to_another_handler_applies_to_running_instances()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        RunResult waiting = await h.StartAsync(h.Load("work", Work));

        var replacement = new Counting("test.record-v2", "Record it"); // another handler for the same node: a deliberate edit
        RunResult done = await Elsewhere(h, new ActivityRegistry().Add(replacement)).ResumeAsync(waiting.InstanceId, "n2", NoInput, null, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(1, replacement.Runs);
        Assert.Empty(h.Records());
    }

    [Fact]
    public async Task A_stored_version_naming_an_activity_this_process_lacks_is_refused_not_faulted()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        RunResult waiting = await h.StartAsync(h.Load("work", Work, """{ "nodes": { "n3": { "activity": "test.record" } } }"""));

        FlowNotRunnableException refused = await RefusedElsewhereAsync(h, waiting);

        Assert.Contains("cannot run in this process: FZ2004", refused.Message, StringComparison.Ordinal);
        Assert.Contains("test.record", refused.Message, StringComparison.Ordinal);
        RunResult unchanged = await h.Runtime.GetResultAsync(waiting.InstanceId, CancellationToken.None);
        Assert.Equal((InstanceStatus.Waiting, null), (unchanged.Status, unchanged.Incident));
    }

    [Fact]
    public async Task Recovery_runs_what_it_can_and_reports_the_instance_it_leaves_for_a_process_that_can_run_it()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var interrupt = new Interrupt { Armed = true };
        h.Registry.Add(interrupt);
        h.Restart(new RuntimeOptions { StepsPerTransaction = 1 }); // the start commits before n2 is interrupted
        //  (n1) -> [n2 Interrupt] -> [n3 Record it] -> (n4), and the same without n3
        BoundFlow recording = h.Load("recording", Work.Replace("label:\"Approve\"", "label:\"Interrupt\"", StringComparison.Ordinal));
        BoundFlow plain = h.Load("plain", "Main { # Main\nn1: circle label:\"Start\"\nn2: rectangle label:\"Interrupt\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n4.handle(left)\n}\n");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.StartAsync(recording));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.StartAsync(plain));
        string recordingId = h.Query<string>("SELECT id FROM instances WHERE flow_name = 'recording'").Single();
        string plainId = h.Query<string>("SELECT id FROM instances WHERE flow_name = 'plain'").Single();
        interrupt.Armed = false;

        // A restart without "Record it": the plain instance runs; the other is reported and left running, untouched.
        FlowRuntime elsewhere = Elsewhere(h, new ActivityRegistry().Add(interrupt));
        var refusals = new List<InstanceRefusedEventArgs>();
        elsewhere.InstanceRefused += (_, e) => refusals.Add(e);
        Assert.Equal(1, await elsewhere.RecoverAsync(CancellationToken.None));

        Assert.Equal(recordingId, Assert.Single(refusals).InstanceId);
        Assert.Equal(InstanceStatus.Completed, (await h.Runtime.GetResultAsync(plainId, CancellationToken.None)).Status);
        Assert.Equal(InstanceStatus.Running, (await h.Runtime.GetResultAsync(recordingId, CancellationToken.None)).Status);
        Assert.Empty(h.Records());

        h.Restart(); // with every handler again
        Assert.Equal(1, await h.Runtime.RecoverAsync(CancellationToken.None));
        Assert.Equal(InstanceStatus.Completed, (await h.Runtime.GetResultAsync(recordingId, CancellationToken.None)).Status);
        Assert.Equal(["n3"], h.Records());
    }

    [Fact]
    public async Task A_due_timer_of_an_instance_this_process_cannot_run_stays_due_for_one_that_can()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        RunResult waiting = await h.StartAsync(h.Load("work", Work, """{ "nodes": { "n2": { "timeout": "PT1M" } } }"""));
        h.Time.Advance(TimeSpan.FromMinutes(2));

        FlowRuntime elsewhere = Elsewhere(h, new ActivityRegistry());
        var refusals = new List<InstanceRefusedEventArgs>();
        elsewhere.InstanceRefused += (_, e) => refusals.Add(e);
        Assert.Equal(0, await elsewhere.FireDueTimersAsync(CancellationToken.None));

        Assert.Equal(waiting.InstanceId, Assert.Single(refusals).InstanceId);
        Assert.Equal(1, h.Query<int>("SELECT COUNT(*) FROM timers").Single());
        Assert.Equal(waiting.Version, (await h.Runtime.GetResultAsync(waiting.InstanceId, CancellationToken.None)).Version);
        Assert.Equal(1, await h.Runtime.FireDueTimersAsync(CancellationToken.None));
    }

    // The answer to n2 in another process, with no activities at all: refused.
    private static Task<FlowNotRunnableException> RefusedElsewhereAsync(EngineHarness h, RunResult waiting) =>
        Assert.ThrowsAsync<FlowNotRunnableException>(() => Elsewhere(h, new ActivityRegistry()).ResumeAsync(waiting.InstanceId, "n2", NoInput, null, CancellationToken.None));

    // Another process on the same database, with other activities.
    private static FlowRuntime Elsewhere(EngineHarness h, ActivityRegistry registry) => new(h.Store, new FlowCatalog(registry, h.Store), h.Time);

    /// <summary>Counts its runs.</summary>
    private sealed class Counting(string type, string label) : IActivityHandler
    {
        public int Runs { get; private set; }

        public string Type => type;

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => [label];

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            Runs++;
            return ValueTask.FromResult(ActivityResult.Done());
        }
    }

    /// <summary>"Interrupt": throws OperationCanceledException (an interruption the runtime does not catch) while armed.</summary>
    private sealed class Interrupt : IActivityHandler
    {
        public bool Armed { get; set; }

        public string Type => "test.interrupt-here";

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => ["Interrupt"];

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
            Armed ? throw new OperationCanceledException("interrupted") : ValueTask.FromResult(ActivityResult.Done());
    }
}
