using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Graph;

/// <summary>A lane: its id, the label to display (the id when none is written) and the block that declares it.</summary>
public sealed record FlowLane(int Index, string Id, string Label, LaneSyntax Syntax);
