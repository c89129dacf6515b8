using System.Text.Json;

namespace FlowRunner.Engine.State;

/// <summary>An instance's persisted state. Mutated only inside a step, and saved with it.</summary>
public sealed class InstanceState
{
    /// <summary>The instance id.</summary>
    public required string Id { get; init; }

    /// <summary>The flow's name.</summary>
    public required string FlowName { get; init; }

    /// <summary>The content hash of the graph the instance is pinned to.</summary>
    public required string FlowHash { get; init; }

    /// <summary>Running, waiting, completed or faulted.</summary>
    public InstanceStatus Status { get; set; }

    /// <summary>Incremented by every saved step; a save with a stale version is a conflict.</summary>
    public int Version { get; set; }

    /// <summary>The live branches.</summary>
    public List<Branch> Branches { get; init; } = [];

    /// <summary>Variables set by handlers and by answers to manual tasks (never secret fields).</summary>
    public Dictionary<string, JsonElement> Variables { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Values delivered to the caller.</summary>
    public Dictionary<string, JsonElement> Outputs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>How many times each node ran, for loop bounds.</summary>
    public Dictionary<string, int> Visits { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Why the instance faulted, or null.</summary>
    public Incident? Incident { get; set; }

    /// <summary>The next branch number, so ids never repeat within an instance.</summary>
    public int NextBranch { get; set; } = 1;

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that started the instance, when it was traced: later runs continue that trace.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// Which nodes ran a handler when the instance started (<see cref="Binding.BoundFlow.BindingHash"/>): a process where
    /// one lost its handler, or gained one, refuses to run it. Null for instances stored before it was recorded.
    /// </summary>
    public string? BindingHash { get; init; }

    /// <summary>When the instance started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the instance last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>A fresh branch id.</summary>
    public string NewBranchId() => "b" + (NextBranch++).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
