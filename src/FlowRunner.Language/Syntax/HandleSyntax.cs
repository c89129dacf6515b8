using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>
/// A <c>.handle(direction)</c> suffix. The keyword and direction are kept as written and checked later.
/// </summary>
/// <param name="Keyword">The word before the parenthesis, normally <c>handle</c>.</param>
/// <param name="Direction">The word inside the parentheses; empty text when none was written.</param>
/// <param name="Span">From the keyword to the closing parenthesis.</param>
public readonly record struct HandleSyntax(SyntaxToken Keyword, SyntaxToken Direction, TextSpan Span);
