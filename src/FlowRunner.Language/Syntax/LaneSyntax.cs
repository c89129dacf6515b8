using System.Collections.Immutable;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>A lane block: <c>id { # Display label</c>, its statements, and <c>}</c>.</summary>
/// <param name="Id">The lane identifier used in cross-lane references.</param>
/// <param name="OpenBrace">The span of <c>{</c>.</param>
/// <param name="DisplayLabel">The display label, if any.</param>
/// <param name="Members">The statements inside the block, in source order.</param>
/// <param name="CloseBrace">The span of the closing <c>}</c>; null when the lane is never closed.</param>
public sealed record LaneSyntax(
    SyntaxToken Id,
    TextSpan OpenBrace,
    LaneLabelSyntax? DisplayLabel,
    ImmutableArray<StatementSyntax> Members,
    TextSpan? CloseBrace) : StatementSyntax
{
    /// <summary>The span of the header line (<c>id { # label</c>).</summary>
    public TextSpan HeaderSpan { get; init; }
}
