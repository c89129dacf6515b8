using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// Request-scoped flows ("mode": "request"): the instance lives in memory for one request, its handlers see the
/// request, their commit work reaches the database, and nothing else is stored.
/// </summary>
public sealed class RequestScopeScenario
{
    private const string Checks = """
        Gateway { # Gateway
        n1: circle label:"Request"
        n2: rectangle label:"First check"
        n3: rectangle label:"Second check"
        n4: rectangle label:"Third check"
        n5: circle label:"Answer"
        n1.handle(right) -> n2.handle(left)
        n2.handle(right) -> n3.handle(left)
        n3.handle(right) -> n4.handle(left)
        n4.handle(right) -> n5.handle(left)
        }
        """;

    private static string Bindings(string n2 = "{}", string n3 = "{}", string n4 = "{}") => $$"""
        { "mode": "request", "nodes": {
          "n2": { "activity": "test.request-probe", "options": {{n2}} },
          "n3": { "activity": "test.request-probe", "options": {{n3}} },
          "n4": { "activity": "test.request-probe", "options": {{n4}} } } }
        """;

    private static async Task<EngineHarness> HarnessAsync()
    {
        EngineHarness h = await EngineHarness.CreateAsync();
        h.Registry.Add(new RequestProbeActivity());
        h.Restart();
        return h;
    }

    [Fact]
    public async Task A_request_run_completes_in_node_order_and_stores_no_instance_and_no_journal()
    {
        await using EngineHarness h = await HarnessAsync();
        BoundFlow flow = h.Load("checks", Checks, Bindings(n4: """{ "record": true }"""));
        Assert.Equal(FlowMode.Request, flow.Mode);
        var request = new List<string>();

        RunResult run = await h.Runtime.RunRequestAsync(flow, request, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, run.Status);
        Assert.Equal(["n2", "n3", "n4"], request);
        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], run.Path.AsEnumerable());
        Assert.Equal("n4", run.Outputs["last"].GetString());
        Assert.Equal(["n4"], h.Records()); // the handler's commit work was committed
        Assert.Equal(0, h.Query<long>("SELECT count(*) FROM instances").Single());
        Assert.Equal(0, h.Query<long>("SELECT count(*) FROM journal").Single());
        Assert.Equal(0, h.Query<long>("SELECT count(*) FROM flow_versions").Single());
    }

    [Fact]
    public async Task A_refusal_faults_the_run_at_the_refusing_node_and_later_checks_never_run()
    {
        await using EngineHarness h = await HarnessAsync();
        BoundFlow flow = h.Load("checks", Checks, Bindings(n3: """{ "refuse": true }""", n4: """{ "record": true }"""));
        var request = new List<string>();

        RunResult run = await h.Runtime.RunRequestAsync(flow, request, CancellationToken.None);

        Assert.Equal(InstanceStatus.Faulted, run.Status);
        Assert.Equal("n3", run.Incident!.NodeId);
        Assert.Contains("refused by n3", run.Incident.Message, StringComparison.Ordinal);
        Assert.Equal(["n2", "n3"], request);
        Assert.Empty(h.Records());
        Assert.Equal(0, h.Query<long>("SELECT count(*) FROM instances").Single());
    }

    [Fact]
    public async Task Reordering_nodes_in_the_file_reorders_the_checks()
    {
        await using EngineHarness h = await HarnessAsync();
        string reordered = Checks
            .Replace("n1.handle(right) -> n2.handle(left)", "n1.handle(right) -> n4.handle(left)", StringComparison.Ordinal)
            .Replace("n3.handle(right) -> n4.handle(left)", "n3.handle(right) -> n5.handle(left)", StringComparison.Ordinal)
            .Replace("n4.handle(right) -> n5.handle(left)", "n4.handle(right) -> n2.handle(left)", StringComparison.Ordinal);
        BoundFlow flow = h.Load("checks", reordered, Bindings());
        var request = new List<string>();

        await h.Runtime.RunRequestAsync(flow, request, CancellationToken.None);

        Assert.Equal(["n4", "n2", "n3"], request);
    }

    [Fact]
    public async Task A_request_flow_that_would_wait_is_refused_when_it_loads()
    {
        await using EngineHarness h = await HarnessAsync();
        string path = Path.Combine(h.Folder, "waits.flow");
        File.WriteAllText(path, Checks);
        File.WriteAllText(FlowBindings.PathFor(path), """{ "mode": "request", "nodes": { "n2": { "activity": "test.request-probe" }, "n4": { "activity": "test.request-probe" } } }""");

        LoadedFlow loaded = h.Catalog.Load(h.Folder, path);

        Assert.Null(loaded.Flow);
        Language.Diagnostics.Diagnostic error = Assert.Single(loaded.Diagnostics, d => d.Id == "FZ2011");
        Assert.Contains("'n3'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_that_waits_or_writes_to_the_outbox_faults_a_request_run()
    {
        await using EngineHarness h = await HarnessAsync();
        BoundFlow asks = h.Load("asks", Checks, """{ "mode": "request", "nodes": { "n2": { "activity": "test.ask-code" }, "n3": { "activity": "test.request-probe" }, "n4": { "activity": "test.request-probe" } } }""");
        BoundFlow emits = h.Load("emits", Checks, """{ "mode": "request", "nodes": { "n2": { "activity": "test.record" }, "n3": { "activity": "test.request-probe" }, "n4": { "activity": "test.request-probe" } } }""");

        RunResult waited = await h.Runtime.RunRequestAsync(asks, new List<string>(), CancellationToken.None);
        RunResult emitted = await h.Runtime.RunRequestAsync(emits, new List<string>(), CancellationToken.None);

        Assert.Equal((IncidentCode.RequestScope, "n2"), (waited.Incident!.Code, waited.Incident.NodeId));
        Assert.Equal((IncidentCode.RequestScope, "n2"), (emitted.Incident!.Code, emitted.Incident.NodeId));
        Assert.Empty(h.Records()); // the commit that emitted rolled back
        Assert.Equal(0, h.Query<long>("SELECT count(*) FROM outbox").Single());
    }

    [Fact]
    public async Task A_durable_flow_is_not_run_per_request()
    {
        await using EngineHarness h = await HarnessAsync();
        BoundFlow durable = h.Load("durable", Checks, """{ "nodes": { "n2": { "activity": "test.request-probe" }, "n3": { "activity": "test.request-probe" }, "n4": { "activity": "test.request-probe" } } }""");

        await Assert.ThrowsAsync<FlowNotRunnableException>(() => h.Runtime.RunRequestAsync(durable, new List<string>(), CancellationToken.None));
    }
}
