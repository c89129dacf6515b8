using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>One end of an edge: <c>[Lane.]nX[.handle(dir)]</c>. A value stored inline in the edge's path.</summary>
public readonly record struct EndpointSyntax(SyntaxToken? Lane, SyntaxToken Node, HandleSyntax? Handle, TextSpan Span);
