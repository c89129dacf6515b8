namespace FlowRunner.Engine.Graph;

/// <summary>A lane of the compiled flow.</summary>
public sealed record FlowLane(string Id, string Label, LaneRole Role);
