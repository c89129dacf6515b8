using System.Collections.Immutable;

namespace FlowRunner.Engine.Graph;

/// <summary>A loop region with its runtime bound: how many times an instance may enter its first node.</summary>
public sealed record FlowLoop(string Condition, ImmutableArray<string> Nodes, int MaxIterations, bool BoundFromText);
