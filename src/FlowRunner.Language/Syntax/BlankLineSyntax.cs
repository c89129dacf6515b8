namespace FlowRunner.Language.Syntax;

/// <summary>An empty or all-blank line, kept so the formatter can keep paragraphs.</summary>
public sealed record BlankLineSyntax : StatementSyntax;
