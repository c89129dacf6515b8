using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>Base of every tree node: each one knows its exact span in the source.</summary>
public abstract record SyntaxNode
{
    /// <summary>The node's span, from its first to its last character.</summary>
    public TextSpan Span { get; init; }
}
