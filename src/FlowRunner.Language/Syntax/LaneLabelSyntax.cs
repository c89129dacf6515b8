using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>A lane's display label, the <c># text</c> after its opening brace.</summary>
/// <param name="Text">The label, trimmed.</param>
/// <param name="Span">The span from <c>#</c> to the end of the text.</param>
/// <param name="IsOnOwnLine">True when written on the line after the brace (a FlowZap "common mistake").</param>
/// <param name="ClosesLane">True when the text ended with <c>}</c>, read as the lane's closing brace.</param>
public sealed record LaneLabelSyntax(string Text, TextSpan Span, bool IsOnOwnLine, bool ClosesLane);
