using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Telemetry;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Testing;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// Traces and metrics through OpenTelemetry's SDK (in-memory exporter): a span per run and per node execution, with the
/// instance's trace continued by every later run, and the instance counters.
/// </summary>
public sealed class TelemetryScenario
{
    private const string Review = """
        Desk { # Desk
        n1: circle label:"Start"
        n2: rectangle label:"Review"
        n3: diamond label:"Approved?"
        n4: circle label:"Done"
        n5: circle label:"Rejected"
        n1.handle(right) -> n2.handle(left)
        n2.handle(right) -> n3.handle(left)
        n3.handle(right) -> n4.handle(left) [label="Yes"]
        n3.handle(bottom) -> n5.handle(top) [label="No"]
        }
        """;

    private static readonly ActivitySource Caller = new("FlowRunner.Tests.Caller");

    [Fact]
    public async Task Every_node_execution_has_one_span_and_an_answer_continues_the_start_trace()
    {
        using var spans = new SpanCapture(Caller.Name);
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var flow = h.Load("review", Review);

        RunResult started;
        using (Activity request = Caller.StartActivity("POST /flows/review/instances")!)
        {
            started = await h.StartAsync(flow);
        }

        Activity startRun = Assert.Single(spans.Runs(started.InstanceId));
        Assert.Equal("flow.run review", startRun.DisplayName);
        Assert.Equal(("review", flow.Hash, "waiting"), (startRun.GetTagItem("workflow.name"), startRun.GetTagItem("workflow.version"), startRun.GetTagItem("workflow.status")));
        Activity[] first = spans.Nodes(started.InstanceId);
        Assert.Equal(["n1", "n2"], first.Select(s => s.GetTagItem("flowzap.node.id")));
        Assert.All(first, s => Assert.Equal(startRun.SpanId, s.ParentSpanId));
        Activity n2 = first[1];
        Assert.Equal(("flow.node Desk.n2", "Desk", "rectangle", "waiting"), (n2.DisplayName, n2.GetTagItem("flowzap.lane"), n2.GetTagItem("flowzap.node.shape"), n2.GetTagItem("flowzap.node.outcome")));

        Activity answer = Caller.StartActivity("POST /instances/{id}/nodes/n2")!;
        RunResult done = await h.ResumeAsync(started, "n2", new { outcome = "Yes" });
        answer.Stop();
        Assert.Equal(InstanceStatus.Completed, done.Status);

        Activity answerRun = spans.Runs(started.InstanceId).Single(r => r.SpanId != startRun.SpanId);
        Assert.Equal(startRun.TraceId, answerRun.TraceId); // the instance's trace goes on
        Assert.Equal(startRun.SpanId, answerRun.ParentSpanId); // under the start's span, the right parent
        Assert.Equal(answer.Context.SpanId, Assert.Single(answerRun.Links).Context.SpanId); // and the request that answered is linked
        Assert.Equal(answer.TraceId, Assert.Single(answerRun.Links).Context.TraceId);
        Activity[] all = spans.Nodes(started.InstanceId);
        Assert.Equal(["n1", "n2", "n2", "n3", "n4"], all.Select(s => s.GetTagItem("flowzap.node.id")));
        Assert.All(all, s => Assert.Equal(startRun.TraceId, s.TraceId));
        Assert.Equal("Yes", all[2].GetTagItem("flowzap.node.outcome"));
    }

    [Fact]
    public async Task A_fault_is_recorded_on_the_node_and_the_run_and_counted()
    {
        using var spans = new SpanCapture();
        using var counts = new Counts();
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var flow = h.Load("telemetry-fault", Review); // a name no other test uses: the counters are process-wide
        RunResult started = await h.StartAsync(flow);
        RunResult faulted = await h.ResumeAsync(started, "n2", new { outcome = "Maybe" }); // no exit of n3 matches: outcome-mismatch

        Assert.Equal(InstanceStatus.Faulted, faulted.Status);
        Activity decision = spans.Nodes(started.InstanceId, "n3").Single();
        Assert.Equal(ActivityStatusCode.Error, decision.Status);
        Assert.Equal(IncidentCode.OutcomeMismatch, decision.GetTagItem("error.type"));
        Activity run = spans.Runs(started.InstanceId).Last();
        Assert.Equal((ActivityStatusCode.Error, "faulted"), (run.Status, run.GetTagItem("workflow.status")));
        Assert.Equal(1, counts.Of("flowrunner.instances.started", "telemetry-fault"));
        Assert.Equal(1, counts.Of("flowrunner.instances.faulted", "telemetry-fault"));
        Assert.Equal(0, counts.Of("flowrunner.instances.completed", "telemetry-fault"));
    }

    /// <summary>Sums the engine's counters for one flow, from .NET's MeterListener.</summary>
    private sealed class Counts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<(string, string), long> _sums = [];

        public Counts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FlowTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag.Key == "workflow.name" && tag.Value is string flow)
                    {
                        lock (_sums)
                        {
                            _sums[(instrument.Name, flow)] = _sums.GetValueOrDefault((instrument.Name, flow)) + value;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Of(string instrument, string flow)
        {
            lock (_sums)
            {
                return _sums.GetValueOrDefault((instrument, flow));
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
