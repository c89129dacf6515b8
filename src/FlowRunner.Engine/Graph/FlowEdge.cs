namespace FlowRunner.Engine.Graph;

/// <summary>An edge of the compiled flow; <see cref="Label"/> is null when the edge has none.</summary>
public sealed record FlowEdge(int Index, string From, string To, string? Label, int Line);
