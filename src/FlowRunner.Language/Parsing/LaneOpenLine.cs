using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Parsing;

/// <summary>A parsed <c>id { # label</c> line; the parser turns it and the lines after it into a <see cref="LaneSyntax"/>.</summary>
internal sealed record LaneOpenLine(SyntaxToken Id, TextSpan Brace, LaneLabelSyntax? Label) : StatementSyntax;
