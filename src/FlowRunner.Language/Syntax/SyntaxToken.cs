using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>A word as the user wrote it (an id, a shape, a key, a direction) with its span.</summary>
public readonly record struct SyntaxToken(string Text, TextSpan Span)
{
    /// <inheritdoc/>
    public override string ToString() => Text;
}
