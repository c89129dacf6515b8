using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>A lane: its id, the label to display (the id when none is written) and its syntax.</summary>
public sealed record LaneModel(string Id, string DisplayLabel, LaneSyntax Syntax);
