namespace FlowRunner.Language.Rendering;

/// <summary>What an instance did, read from its journal by the engine, for drawing over its flow.</summary>
/// <param name="Steps">Node entries and completions, in the order they happened.</param>
/// <param name="Waiting">The nodes where the instance waits now.</param>
/// <param name="Faulted">The node where the instance faulted, or null.</param>
/// <param name="Status">The instance's status, shown in the title.</param>
public sealed record InstanceTrace(IReadOnlyList<TraceStep> Steps, IReadOnlySet<string> Waiting, string? Faulted, string Status);

/// <summary>A node entered (<paramref name="IsEntry"/>) or completed with an outcome.</summary>
public readonly record struct TraceStep(string NodeId, bool IsEntry, string? Outcome);
