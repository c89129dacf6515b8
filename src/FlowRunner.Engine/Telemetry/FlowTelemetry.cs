using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Telemetry;

/// <summary>
/// The engine's traces and metrics, on .NET's own <see cref="ActivitySource"/> and <see cref="Meter"/>, both named
/// <see cref="Name"/>: a host exports them with OpenTelemetry (<c>AddSource("FlowRunner")</c>, <c>AddMeter("FlowRunner")</c>).
/// A run of an instance (a start, an answer, a timer, a recovery) is a <c>flow.run {flow}</c> span; each node it executes
/// is a <c>flow.node {lane}.{node}</c> span beneath it. A run after the first continues the instance's trace: its parent
/// is the start's span, stored with the instance; the request that caused it (an answer over HTTP) is linked.
/// </summary>
public static class FlowTelemetry
{
    /// <summary>The name of the engine's activity source and meter.</summary>
    public const string Name = "FlowRunner";

    internal static readonly ActivitySource Source = new(Name, typeof(FlowTelemetry).Assembly.GetName().Version?.ToString(3));

    private static readonly Meter Meter = new(Name, typeof(FlowTelemetry).Assembly.GetName().Version?.ToString(3));
    private static readonly Counter<long> Started = Meter.CreateCounter<long>("flowrunner.instances.started", "{instance}", "Instances started");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("flowrunner.instances.completed", "{instance}", "Instances that completed");
    private static readonly Counter<long> Faulted = Meter.CreateCounter<long>("flowrunner.instances.faulted", "{instance}", "Instances that faulted");
    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("flowrunner.step.duration", "s", "Time of one node execution (its handler included, the commit not)");
    private static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>("flowrunner.wait.duration", "s", "Time an instance waited for an answer or a deadline, until it was answered or timed out");

    /// <summary>True when a tracer listens to the engine's spans.</summary>
    internal static bool Listening => Source.HasListeners();

    /// <summary>
    /// Starts the span of a run of an instance, or returns null when nobody listens. A new instance
    /// (no stored trace) joins the caller's trace; a later run continues the instance's trace and links the caller's span.
    /// </summary>
    internal static Activity? StartRun(string kind, string flowName, string flowHash, string instanceId, string? storedTraceParent)
    {
        Activity? caller = Activity.Current;
        ActivityContext parent = default;
        ActivityLink[]? links = null;
        if (storedTraceParent is not null && ActivityContext.TryParse(storedTraceParent, null, out ActivityContext stored))
        {
            parent = stored;
            links = caller is null ? null : [new ActivityLink(caller.Context)];
        }
        else if (caller is not null)
        {
            parent = caller.Context;
        }

        Activity? run = Source.StartActivity("flow.run " + flowName, ActivityKind.Internal, parent, links: links);
        if (run is { IsAllDataRequested: true })
        {
            run.SetTag("workflow.id", instanceId);
            run.SetTag("workflow.name", flowName);
            run.SetTag("workflow.version", flowHash);
            run.SetTag("flowrunner.run.kind", kind);
        }

        return run;
    }

    /// <summary>Ends a run's span with the instance's status (and incident), or with the error that ended the call.</summary>
    internal static void EndRun(Activity? run, InstanceStatus? status, Incident? incident, Exception? error = null)
    {
        if (run is null)
        {
            return;
        }

        if (run.IsAllDataRequested)
        {
            if (status is { } ended)
            {
                run.SetTag("workflow.status", InstancePath.StatusName(ended));
            }

            if (incident is not null)
            {
                run.SetTag("error.type", incident.Code);
                run.SetStatus(ActivityStatusCode.Error, incident.Message);
            }
            else if (error is not null)
            {
                run.SetTag("error.type", error.GetType().Name);
                run.SetStatus(ActivityStatusCode.Error, error.Message);
                run.AddException(error);
            }
        }

        run.Stop();
    }

    /// <summary>
    /// Starts the span of one node execution beneath the current run. It is ended by <see cref="FinishNode"/> and exported
    /// only if its step commits (<see cref="Committed"/>): a step discarded after a lost race leaves no span.
    /// </summary>
    internal static Activity? StartNode(BoundFlow flow, InstanceState state, FlowNode node)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? span = Source.StartActivity(SpanNames.GetValue(node, n => n.Lane is null ? "flow.node " + n.Id : $"flow.node {n.Lane}.{n.Id}"), ActivityKind.Internal);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("workflow.id", state.Id);
            span.SetTag("workflow.name", flow.Name);
            span.SetTag("workflow.version", flow.Hash);
            span.SetTag("flowzap.lane", node.Lane);
            span.SetTag("flowzap.node.id", node.Id);
            span.SetTag("flowzap.node.shape", node.Syntax.Shape.Text); // the keyword as written: circle, rectangle, diamond, taskbox
            span.SetTag("flowzap.node.label", node.DisplayText);
        }

        return span;
    }

    /// <summary>Records how long one node execution took (handler included, commit not), traced or not.</summary>
    internal static void NodeExecuted(FlowNode node, TimeSpan took) =>
        StepDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("flowzap.node.shape", node.Syntax.Shape.Text));

    /// <summary>Sets the node's end and outcome and makes the run the current span again; the span stays open until its step commits.</summary>
    internal static void FinishNode(Activity? span, InstanceState state, Branch branch, DateTimeOffset now)
    {
        if (span is null)
        {
            return;
        }

        string outcome = state.Incident is not null ? "faulted"
            : branch.Status switch
            {
                BranchStatus.Waiting => "waiting",
                BranchStatus.Joining => "joining",
                _ => branch.PreviousOutcome ?? "done",
            };
        if (span.IsAllDataRequested)
        {
            span.SetTag("flowzap.node.outcome", outcome);
            if (state.Incident is { } incident && incident.NodeId == branch.NodeId)
            {
                span.SetTag("error.type", incident.Code);
                span.SetStatus(ActivityStatusCode.Error, incident.Message);
            }
        }

        span.SetEndTime(now.UtcDateTime);
        Activity.Current = span.Parent;
    }

    /// <summary>The step of these spans committed: they end (at the times their nodes finished) and are exported.</summary>
    internal static void Committed(List<Activity> spans)
    {
        if (spans.Count == 0)
        {
            return;
        }

        Activity? current = Activity.Current; // Stop makes the span's predecessor current: keep the caller's
        foreach (Activity span in spans)
        {
            span.Stop();
        }

        spans.Clear();
        Activity.Current = current;
    }

    /// <summary>The step of these spans was discarded (a lost race, a failed commit, a crash of the call): nothing is exported.</summary>
    internal static void Discarded(List<Activity> spans)
    {
        if (spans.Count == 0)
        {
            return;
        }

        Activity? current = Activity.Current;
        foreach (Activity span in spans)
        {
            span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            span.IsAllDataRequested = false;
            span.Stop();
        }

        spans.Clear();
        Activity.Current = current;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FlowNode, string> SpanNames = [];

    internal static void InstanceStarted(string flowName) => Started.Add(1, new KeyValuePair<string, object?>("workflow.name", flowName));

    internal static void InstanceEnded(InstanceState state)
    {
        var flow = new KeyValuePair<string, object?>("workflow.name", state.FlowName);
        if (state.Status == InstanceStatus.Completed)
        {
            Completed.Add(1, flow);
        }
        else if (state.Status == InstanceStatus.Faulted)
        {
            Faulted.Add(1, flow, new KeyValuePair<string, object?>("error.type", state.Incident?.Code));
        }
    }

    internal static void Waited(TimeSpan waited, string flowName, string how) =>
        WaitDuration.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("workflow.name", flowName), new KeyValuePair<string, object?>("flowrunner.wait.end", how));
}
