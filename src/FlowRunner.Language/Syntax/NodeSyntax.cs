using System.Collections.Immutable;

namespace FlowRunner.Language.Syntax;

/// <summary>A node declaration: <c>n1: circle label:"Start"</c>. The shape is kept as written and checked later.</summary>
public sealed record NodeSyntax(SyntaxToken Id, SyntaxToken Shape, ImmutableArray<AttributeSyntax> Attributes) : StatementSyntax;
