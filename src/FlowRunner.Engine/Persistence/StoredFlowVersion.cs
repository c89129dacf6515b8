namespace FlowRunner.Engine.Persistence;

/// <summary>A flow version as it was first run: its name, the path it was read from and its text.</summary>
public sealed record StoredFlowVersion(string Name, string SourcePath, string Source);
