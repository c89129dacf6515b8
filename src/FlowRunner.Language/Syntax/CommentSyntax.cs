namespace FlowRunner.Language.Syntax;

/// <summary>A comment; <see cref="Text"/> is everything after the marker, untrimmed at its end.</summary>
public sealed record CommentSyntax(CommentKind Kind, string Text) : StatementSyntax;
