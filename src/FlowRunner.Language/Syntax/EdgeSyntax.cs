using System.Collections.Immutable;

namespace FlowRunner.Language.Syntax;

/// <summary>An edge statement. <see cref="Path"/> has two endpoints, or more for a chain <c>a -> b -> c</c>.</summary>
public sealed record EdgeSyntax(ImmutableArray<EndpointSyntax> Path, AttributeSyntax? Label) : StatementSyntax
{
    /// <summary>True for a chain of more than two endpoints, which FlowZap does not accept.</summary>
    public bool IsChain => Path.Length > 2;
}
