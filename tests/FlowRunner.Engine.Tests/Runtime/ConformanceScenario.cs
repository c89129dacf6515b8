using Dapper;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Graph;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// The execution semantics of flows/README.md, one test per rule, on real SQLite. Each opens with a drawing
/// of the graph: (circle) [activity] &lt;decision&gt;.
/// </summary>
public sealed class ConformanceScenario
{
    private const string Header = "Main { # Main\n";

    [Fact]
    public async Task Start_activity_end_completes_in_order()
    {
        //  (n1) -> [n2 Record it] -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Record it\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(["n1", "n2", "n3"], run.Path.ToArray());
        Assert.Equal("n2", run.Outputs["recorded"].GetString());
    }

    [Fact]
    public async Task Circle_in_between_is_a_milestone_that_passes_through()
    {
        //  (n1) -> (n2 milestone) -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: circle label:\"Half way\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(new[] { "n1", "n2", "n3" }, run.Path.ToArray());
    }

    [Fact]
    public async Task Unbound_activity_is_a_manual_task_that_waits_then_continues()
    {
        //  (n1) -> [n2 Approve manually] -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve manually\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Waiting, run.Status);
        WaitingNode wait = Assert.Single(run.WaitingAt);
        Assert.Equal(("n2", "Main", "Approve manually"), (wait.Node, wait.Lane, wait.Label));
        Assert.Empty(wait.Expects.Fields);

        run = await h.ResumeAsync(run, "n2");
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(new[] { "n1", "n2", "n3" }, run.Path.ToArray());
    }

    [Fact]
    public async Task Declared_input_is_checked_and_secret_fields_are_never_stored()
    {
        //  (n1) -> [n2 Enter credentials: email, password] -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Enter credentials\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n",
            """{ "nodes": { "n2": { "input": { "email": "email", "password": "secret" } } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(["email", "password"], run.WaitingAt[0].Expects.Fields.Keys);

        await Assert.ThrowsAsync<InvalidInputException>(() => h.ResumeAsync(run, "n2", new { email = "a@b.c" }));
        await Assert.ThrowsAsync<InvalidInputException>(() => h.ResumeAsync(run, "n2", new { email = "not-an-email", password = "x" }));
        await Assert.ThrowsAsync<InvalidInputException>(() => h.ResumeAsync(run, "n2", new { email = "a@b.c", password = "x", extra = 1 }));

        run = await h.ResumeAsync(run, "n2", new { email = "ann@example.com", password = "hunter2-secret" });
        Assert.Equal(InstanceStatus.Completed, run.Status);
        InstanceState state = (await h.Store.GetAsync(run.InstanceId, CancellationToken.None))!;
        Assert.Equal("ann@example.com", state.Variables["email"].GetString());
        Assert.False(state.Variables.ContainsKey("password"));
        // WAL mode: recent writes may still be in the -wal file, so read both, plus the journal as the API returns it.
        string dump = string.Concat(new[] { h.Store.Path, h.Store.Path + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.Latin1.GetString(ReadShared(f))))
            + string.Concat((await h.Store.GetJournalAsync(run.InstanceId, CancellationToken.None)).Select(e => e.Detail));
        Assert.DoesNotContain("hunter2-secret", dump, StringComparison.Ordinal);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Decision_outcome_comes_from_its_own_condition_handler()
    {
        //  (n1) -> <n2 Check it> -Yes-> (n3)
        //                        -No--> (n4)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: diamond label:\"Check it\"\nn3: circle label:\"Yes end\"\nn4: circle label:\"No end\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left) [label=\"Yes\"]\nn2.handle(bottom) -> n4.handle(top) [label=\"No\"]\n}\n",
            """{ "nodes": { "n2": { "activity": "test.outcome", "options": { "outcome": "invalid" } } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(["n1", "n2", "n4"], run.Path.ToArray());
    }

    [Fact]
    public async Task Decision_outcome_comes_from_the_preceding_activity_with_synonyms()
    {
        //  (n1) -> [n2 Check it -> "valid"] -> <n3 Valid?> -Yes-> (n4)
        //                                                  -No--> (n5)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Check it\"\nn3: diamond label:\"Valid?\"\nn4: circle label:\"Ok\"\nn5: circle label:\"Not ok\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(bottom) -> n5.handle(top) [label=\"No\"]\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(["n1", "n2", "n3", "n4"], run.Path.ToArray());
    }

    [Fact]
    public async Task Unbound_decision_asks_the_caller_to_choose_an_exit()
    {
        //  (n1) -> <n2 Approve?> -Approved-> (n3)
        //                        -Rejected-> (n4)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: diamond label:\"Approve?\"\nn3: circle label:\"A\"\nn4: circle label:\"B\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left) [label=\"Approved\"]\nn2.handle(bottom) -> n4.handle(top) [label=\"Rejected\"]\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(["Approved", "Rejected"], run.WaitingAt.Single().Expects.Choices.ToArray());
        await Assert.ThrowsAsync<InvalidInputException>(() => h.ResumeAsync(run, "n2", new { outcome = "Maybe" }));
        run = await h.ResumeAsync(run, "n2", new { outcome = "rejected" });
        Assert.Equal(["n1", "n2", "n4"], run.Path.ToArray());
    }

    [Fact]
    public async Task Outcome_matching_no_exit_faults_with_an_incident()
    {
        //  (n1) -> [n2 Check it -> "maybe"] -> <n3> -Yes-> (n4) / -No-> (n5)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Check it\"\nn3: diamond label:\"Valid?\"\nn4: circle label:\"Ok\"\nn5: circle label:\"Not ok\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(bottom) -> n5.handle(top) [label=\"No\"]\n}\n",
            """{ "nodes": { "n2": { "activity": "test.outcome", "options": { "outcome": "maybe" } } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Faulted, run.Status);
        Assert.Equal(("outcome-mismatch", "n3"), (run.Incident!.Code, run.Incident.NodeId));
        Assert.Contains("\"maybe\"", run.Incident.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_unlabeled_exit_of_a_decision_is_its_default_branch()
    {
        //  (n1) -> [n2 Check it -> "maybe"] -> <n3> -Yes-> (n4)
        //                                           -----> (n5)   (unlabeled: default)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Check it\"\nn3: diamond label:\"Valid?\"\nn4: circle label:\"Ok\"\nn5: circle label:\"Other\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(bottom) -> n5.handle(top)\n}\n",
            """{ "nodes": { "n2": { "activity": "test.outcome", "options": { "outcome": "maybe" } } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(["n1", "n2", "n3", "n5"], run.Path.ToArray());
    }

    [Fact]
    public async Task Taskbox_runs_as_an_activity()
    {
        //  (n1) -> [n2 taskbox Review|Check docs] -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: taskbox label:\"Review|Check docs\" owner:\"Alice\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal("n2", run.WaitingAt.Single().Node);
        Assert.Equal(InstanceStatus.Completed, (await h.ResumeAsync(run, "n2")).Status);
    }

    [Fact]
    public async Task Parallel_fork_runs_every_branch_and_the_join_waits_for_the_active_ones()
    {
        //  (n1) -> [n2 Record it] -> [n3 manual A] -> [n5 Record it] -> (n6)
        //                         -> [n4 manual B] ->
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Record it\"\nn3: rectangle label:\"Manual A\"\nn4: rectangle label:\"Manual B\"\nn5: rectangle label:\"Record it\"\nn6: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn2.handle(bottom) -> n4.handle(top)\nn3.handle(right) -> n5.handle(left)\nn4.handle(right) -> n5.handle(bottom)\nn5.handle(right) -> n6.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(["n3", "n4"], run.WaitingAt.Select(w => w.Node).Order());

        run = await h.ResumeAsync(run, "n3");
        Assert.Equal(InstanceStatus.Waiting, run.Status);
        Assert.DoesNotContain("n5", run.Path); // the join waits: n4's branch can still reach it

        run = await h.ResumeAsync(run, "n4");
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Single(run.Path, "n5"); // joined: ran once
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + h.Store.Path);
        Assert.Equal(2, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM records WHERE instance_id = @i", new { i = run.InstanceId }));
    }

    [Fact]
    public async Task Join_does_not_wait_for_a_branch_that_was_never_taken()
    {
        //  (n1) -> <n2 Check it> -Yes-> [n3 Record it] -> [n5 Record it] -> (n6)
        //                        -No--> [n4 Record it] ->
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: diamond label:\"Check it\"\nn3: rectangle label:\"Record it\"\nn4: rectangle label:\"Record it\"\nn5: rectangle label:\"Record it\"\nn6: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left) [label=\"Yes\"]\nn2.handle(bottom) -> n4.handle(top) [label=\"No\"]\nn3.handle(right) -> n5.handle(left)\nn4.handle(right) -> n5.handle(bottom)\nn5.handle(right) -> n6.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(new[] { "n1", "n2", "n3", "n5", "n6" }, run.Path.ToArray());
    }

    [Fact]
    public async Task Loop_stops_at_the_bound_named_in_its_text()
    {
        //  (n1) -> [n2 Check it -> invalid] -> <n3 Ok?> -Yes-> (n4)
        //               ^-------------No----------'      loop [retry up to 3 times] n2 n3
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Check it\"\nn3: diamond label:\"Ok?\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(top) -> n2.handle(top) [label=\"No\"]\nloop [retry up to 3 times] n2 n3\n}\n",
            """{ "nodes": { "n2": { "activity": "test.outcome", "options": { "outcome": "invalid" } } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(InstanceStatus.Faulted, run.Status);
        Assert.Equal(("loop-bound", "n2"), (run.Incident!.Code, run.Incident.NodeId));
        Assert.Equal(3, run.Path.Count(n => n == "n2"));
        Assert.Contains("retry up to 3 times", run.Incident.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycle_outside_any_loop_region_has_the_default_bound()
    {
        //  (n1) -> [n2 Check it -> invalid] -> <n3> -No-> back to n2; -Yes-> (n4)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Check it\"\nn3: diamond label:\"Ok?\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(top) -> n2.handle(top) [label=\"No\"]\n}\n",
            """{ "nodes": { "n2": { "activity": "test.outcome", "options": { "outcome": "invalid" } } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal("loop-bound", run.Incident!.Code);
        Assert.Equal(LoopBounds.Default, run.Path.Count(n => n == "n2"));
    }

    [Fact]
    public async Task Lanes_are_actors_or_services_and_the_bindings_file_overrides()
    {
        //  User: (n1) -> [n2]      Billing: [n3] -> (n4)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        const string text = "User { # User\nn1: circle label:\"Start\"\nn2: rectangle label:\"Pay\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(bottom) -> Billing.n3.handle(top)\n}\n"
            + "Billing { # Billing\nn3: rectangle label:\"Charge\"\nn4: circle label:\"End\"\nn3.handle(right) -> n4.handle(left)\n}\n";
        BoundFlow inferred = h.Load("f", text);
        Assert.Equal((LaneRole.Actor, LaneRole.Service), (inferred.RoleOf("User"), inferred.RoleOf("Billing")));
        BoundFlow overridden = h.Load("f", text, """{ "lanes": { "Billing": "actor" } }""");
        Assert.Equal(LaneRole.Actor, overridden.RoleOf("Billing"));
    }

    [Fact]
    public async Task Handler_writes_roll_back_when_it_throws_or_fails_and_commit_with_the_step_otherwise()
    {
        //  (n1) -> [n2 Record it] -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        const string text = Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Record it\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n";
        RunResult ok = await h.StartAsync(h.Load("ok", text));
        RunResult thrown = await h.StartAsync(h.Load("throw", text, """{ "nodes": { "n2": { "activity": "test.record", "options": { "mode": "throw" } } } }"""));
        RunResult failed = await h.StartAsync(h.Load("fail", text, """{ "nodes": { "n2": { "activity": "test.record", "options": { "mode": "fail" } } } }"""));

        Assert.Equal(InstanceStatus.Completed, ok.Status);
        Assert.Equal(("activity-error", InstanceStatus.Faulted), (thrown.Incident!.Code, thrown.Status));
        Assert.Contains("boom", thrown.Incident.Message, StringComparison.Ordinal);
        Assert.Equal("activity-failed", failed.Incident!.Code);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + h.Store.Path);
        Assert.Equal([ok.InstanceId], connection.Query<string>("SELECT instance_id FROM records"));
        Assert.Equal([ok.InstanceId], connection.Query<string>("SELECT instance_id FROM outbox WHERE kind = 'test.recorded'"));
    }

    [Fact]
    public async Task Secret_outputs_reach_only_the_caller_that_ran_the_step_and_are_never_stored()
    {
        //  (n1) -> [n2 Approve] -> [n3 Hand over a key] -> (n4)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: rectangle label:\"Hand over a key\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        RunResult answered = await h.ResumeAsync(run, "n2");
        Assert.Equal("s3cr3t-key-value", answered.Outputs["key"].GetString());
        Assert.Equal("key", answered.Outputs["kind"].GetString());

        RunResult later = await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None);
        Assert.False(later.Outputs.ContainsKey("key"));
        Assert.Equal("key", later.Outputs["kind"].GetString());
        string files = string.Concat(new[] { h.Store.Path, h.Store.Path + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.Latin1.GetString(ReadShared(f))));
        Assert.DoesNotContain("s3cr3t-key-value", files, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_with_deadline_is_a_durable_timer_that_survives_a_restart()
    {
        //  (n1) -> [n2 Approve, timeout PT15M] -Done-> (n3)
        //                                      -Timeout-> (n4)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: circle label:\"Done\"\nn4: circle label:\"Expired\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left) [label=\"Done\"]\nn2.handle(bottom) -> n4.handle(top) [label=\"Timeout\"]\n}\n",
            """{ "nodes": { "n2": { "timeout": "PT15M" } } }""");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal(h.Time.GetUtcNow().AddMinutes(15), run.WaitingAt.Single().Expects.Deadline);

        h.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await h.Runtime.FireDueTimersAsync(CancellationToken.None));

        h.Restart(); // the timer lives in the database, not in the process
        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await h.Runtime.RecoverAsync(CancellationToken.None));
        RunResult after = await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None);
        Assert.Equal(InstanceStatus.Completed, after.Status);
        Assert.Equal(new[] { "n1", "n2", "n4" }, after.Path.ToArray());
        await Assert.ThrowsAsync<NotWaitingException>(() => h.ResumeAsync(run, "n2"));
    }

    [Fact]
    public async Task Wait_whose_deadline_passes_without_a_timeout_exit_faults()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: circle label:\"Done\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n",
            """{ "nodes": { "n2": { "timeout": "00:05:00" } } }""");
        RunResult run = await h.StartAsync(flow);
        h.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await h.Runtime.FireDueTimersAsync(CancellationToken.None));
        Assert.Equal("deadline", (await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None)).Incident!.Code);
    }

    [Fact]
    public async Task Handler_wait_is_answered_in_the_same_step_and_feeds_the_decision()
    {
        //  (n1) -> [n2 Ask for code] -> <n3 Valid?> -Yes-> (n4) / -No-> (n5)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Ask for code\"\nn3: diamond label:\"Valid?\"\nn4: circle label:\"Ok\"\nn5: circle label:\"Bad\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(bottom) -> n5.handle(top) [label=\"No\"]\n}\n");
        RunResult run = await h.StartAsync(flow);
        Assert.Equal("code", run.WaitingAt.Single().Expects.Fields.Single().Value.Type);
        run = await h.ResumeAsync(run, "n2", new { code = "123456" });
        Assert.Equal(["n1", "n2", "n3", "n4"], run.Path.ToArray());
    }

    [Fact]
    public async Task Exactly_one_of_many_concurrent_answers_to_a_wait_wins()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: rectangle label:\"Record it\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        Task<RunResult>[] answers = [.. Enumerable.Range(0, 20).Select(_ => Task.Run(() => h.ResumeAsync(run, "n2")))];
        var outcomes = new List<string>();
        foreach (Task<RunResult> answer in answers)
        {
            try
            {
                await answer;
                outcomes.Add("won");
            }
            catch (NotWaitingException)
            {
                outcomes.Add("conflict");
            }
        }

        Assert.Equal(1, outcomes.Count(o => o == "won"));
        Assert.Equal(19, outcomes.Count(o => o == "conflict"));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + h.Store.Path);
        Assert.Equal(1, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM records"));
    }

    [Fact]
    public async Task Stale_version_is_a_typed_conflict()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        await Assert.ThrowsAsync<ConcurrencyException>(() => h.ResumeAsync(run, "n2", expectedVersion: run.Version - 1));
        Assert.Equal(InstanceStatus.Completed, (await h.ResumeAsync(run, "n2", expectedVersion: run.Version)).Status);
    }

    [Fact]
    public async Task Instance_finishes_on_its_version_when_the_flow_is_edited()
    {
        //  v1: (n1) -> [n2 Approve] -> (n3)        v2: (n1) -> [n2 Approve] -> [n4 Archive] -> (n3)
        await using EngineHarness h = await EngineHarness.CreateAsync();
        const string v1 = Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n";
        const string v2 = Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Approve\"\nn3: circle label:\"End\"\nn4: rectangle label:\"Record it\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n4.handle(left)\nn4.handle(right) -> n3.handle(left)\n}\n";
        RunResult old = await h.StartAsync(h.Load("f", v1));
        BoundFlow edited = h.Load("f", v2);
        RunResult fresh = await h.StartAsync(edited);

        h.Restart(); // the old version is now only in the database
        h.Catalog.Load(h.Folder, Path.Combine(h.Folder, "f.flow"));
        Assert.Equal(["n1", "n2", "n3"], (await h.ResumeAsync(old, "n2")).Path.ToArray());
        Assert.Equal(["n1", "n2", "n4", "n3"], (await h.ResumeAsync(fresh, "n2")).Path.ToArray());
    }

    [Fact]
    public async Task Interrupted_instances_are_recovered_at_start_up()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        BoundFlow flow = h.Load("f", Header + "n1: circle label:\"Start\"\nn2: rectangle label:\"Record it\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        RunResult run = await h.StartAsync(flow);
        // Put the instance back as a crash between steps would leave it: a ready branch at n2, status running.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + h.Store.Path))
        {
            connection.Execute("DELETE FROM records; UPDATE instances SET status = 'Running'; INSERT INTO branches (instance_id, id, node_id, status, timed_out) VALUES (@i, 'b9', 'n2', 'Ready', 0);", new { i = run.InstanceId });
        }

        h.Restart();
        Assert.Equal(1, await h.Runtime.RecoverAsync(CancellationToken.None));
        RunResult after = await h.Runtime.GetResultAsync(run.InstanceId, CancellationToken.None);
        Assert.Equal(InstanceStatus.Completed, after.Status);
    }
}
