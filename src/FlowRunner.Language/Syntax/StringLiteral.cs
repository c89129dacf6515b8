using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>A double-quoted string. <see cref="Value"/> has escapes resolved; the span covers the quotes.</summary>
/// <param name="Value">The text between the quotes, with <c>\"</c> and <c>\\</c> resolved.</param>
/// <param name="Span">The span from the opening quote to the closing one (or the end of the line).</param>
/// <param name="IsTerminated">False when the line ended before the closing quote.</param>
/// <param name="HasEscapes">True when the string used <c>\"</c> or <c>\\</c>, which FlowZap does not document.</param>
public readonly record struct StringLiteral(string Value, TextSpan Span, bool IsTerminated, bool HasEscapes);
