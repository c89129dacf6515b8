namespace FlowRunner.Language.Syntax;

/// <summary>A <c>key:"value"</c> (or <c>key="value"</c>) pair on a node or inside an edge's brackets.</summary>
public sealed record AttributeSyntax(SyntaxToken Key, char Separator, StringLiteral Value) : SyntaxNode;
