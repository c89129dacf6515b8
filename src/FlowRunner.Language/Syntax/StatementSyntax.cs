namespace FlowRunner.Language.Syntax;

/// <summary>One line-level statement: a lane, node, edge, loop, comment or blank line.</summary>
public abstract record StatementSyntax : SyntaxNode
{
    /// <summary>A <c>//</c> or <c>#</c> comment that follows the statement on the same line, if any.</summary>
    public CommentSyntax? TrailingComment { get; init; }
}
