using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>One end of an edge: <c>[Lane.]nX[.handle(dir)]</c>.</summary>
public sealed record EndpointSyntax(SyntaxToken? Lane, SyntaxToken Node, HandleSyntax? Handle, TextSpan Span);
