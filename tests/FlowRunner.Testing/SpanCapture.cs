using System.Diagnostics;
using FlowRunner.Engine.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FlowRunner.Testing;

/// <summary>
/// The spans the engine exports while this lives, through OpenTelemetry's SDK and in-memory exporter (as a host exports
/// them, minus the network). Tests run side by side, so read spans by instance id.
/// </summary>
public sealed class SpanCapture : IDisposable
{
    private readonly LockedCollection _exported = [];
    private readonly TracerProvider _provider;

    public SpanCapture(params string[] moreSources)
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource([FlowTelemetry.Name, .. moreSources])
            .AddInMemoryExporter(_exported)
            .Build();
    }

    /// <summary>The exported spans of an instance (runs and nodes), in the order they ended.</summary>
    public Activity[] Of(string instanceId)
    {
        _provider.ForceFlush();
        lock (_exported)
        {
            return [.. _exported.Where(a => (a.GetTagItem("workflow.id") as string) == instanceId)];
        }
    }

    /// <summary>Every exported span.</summary>
    public Activity[] All
    {
        get
        {
            _provider.ForceFlush();
            lock (_exported)
            {
                return [.. _exported];
            }
        }
    }

    /// <summary>The exported run spans of an instance.</summary>
    public Activity[] Runs(string instanceId) => [.. Of(instanceId).Where(a => a.DisplayName.StartsWith("flow.run ", StringComparison.Ordinal))];

    /// <summary>The exported node spans of an instance, optionally of one node.</summary>
    public Activity[] Nodes(string instanceId, string? nodeId = null) => [.. Of(instanceId).Where(a =>
        a.DisplayName.StartsWith("flow.node ", StringComparison.Ordinal) && (nodeId is null || (a.GetTagItem("flowzap.node.id") as string) == nodeId))];

    public void Dispose() => _provider.Dispose();

    // Spans of other tests end on other threads while a test reads: the exporter's adds and the reads share a lock.
    private sealed class LockedCollection : System.Collections.ObjectModel.Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
