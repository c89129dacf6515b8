using System.Text;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// The tokens of FlowZap Code (reference §11) as Sprache parsers over a <see cref="LineInput"/>. Each token takes
/// the spaces after it, so rules never deal with white space, and fails where it started, so <c>Or</c> can offer
/// the next alternative. They scan characters directly rather than per <c>Parse.Char</c> (docs/performance.md).
/// </summary>
internal static class FlowTokens
{
    private const string Unexpected = "unexpected input";

    private static readonly string[] EndOfLineExpected = ["end of line"];
    private static readonly string[] SeparatorExpected = ["':' or '='"];
    private static readonly string[] StringExpected = ["string in double quotes"];
    private static readonly string[] CommentExpected = ["comment"];
    private static readonly string[] OpenParenExpected = ["'('"];
    private static readonly string[] CloseParenExpected = ["')'"];

    public static readonly Parser<TextSpan> Arrow = Symbol("->");

    public static readonly Parser<TextSpan> Dot = Symbol(".");

    public static readonly Parser<TextSpan> Colon = Symbol(":");

    public static readonly Parser<TextSpan> OpenParen = Symbol("(");

    public static readonly Parser<TextSpan> CloseParen = Symbol(")");

    public static readonly Parser<TextSpan> OpenBracket = Symbol("[");

    public static readonly Parser<TextSpan> CloseBracket = Symbol("]");

    public static readonly Parser<TextSpan> OpenBrace = Symbol("{");

    public static readonly Parser<TextSpan> CloseBrace = Symbol("}");

    /// <summary>The <c>#</c> before a lane's display label.</summary>
    public static readonly Parser<TextSpan> Hash = Symbol("#");

    /// <summary>The marker of a comment: <c>//</c> or <c>#</c>, without the spaces after it.</summary>
    public static readonly Parser<(CommentKind Kind, TextSpan Span)> CommentMarker = input =>
    {
        var line = (LineInput)input;
        int length = line.Current == '#' ? 1 : line.Current == '/' && line.Position + 1 < line.End && line.Source[line.Position + 1] == '/' ? 2 : 0;
        return length == 0
            ? Result.Failure<(CommentKind, TextSpan)>(line, Unexpected, CommentExpected)
            : Result.Success((length == 1 ? CommentKind.Hash : CommentKind.Slash, new TextSpan(line.Position, length)), line.At(line.Position + length));
    };

    /// <summary><c>:</c> or <c>=</c> between an attribute key and its value.</summary>
    public static readonly Parser<char> Separator = input =>
    {
        var line = (LineInput)input;
        return !line.AtEnd && line.Current is ':' or '='
            ? Result.Success(line.Current, line.SkipSpacesFrom(line.Position + 1))
            : Result.Failure<char>(line, Unexpected, SeparatorExpected);
    };

    /// <summary>
    /// A double-quoted string; <c>\"</c> and <c>\\</c> are escapes (FZ3013 warns about them). A missing closing quote
    /// is recorded, not failed, so it gets its own diagnostic (FZ0002).
    /// </summary>
    public static readonly Parser<StringLiteral> QuotedString = input =>
    {
        var line = (LineInput)input;
        if (line.AtEnd || line.Current != '"')
        {
            return Result.Failure<StringLiteral>(line, Unexpected, StringExpected);
        }

        string source = line.Source;
        int i = line.Position + 1;
        StringBuilder? escaped = null;
        int run = i;
        while (i < line.End && source[i] != '"')
        {
            if (source[i] == '\\' && i + 1 < line.End && source[i + 1] is '"' or '\\')
            {
                (escaped ??= new StringBuilder()).Append(source, run, i - run).Append(source[i + 1]);
                run = i += 2;
            }
            else
            {
                i++;
            }
        }

        string value = escaped is null ? source[(line.Position + 1)..i] : escaped.Append(source, run, i - run).ToString();
        bool terminated = i < line.End;
        int end = terminated ? i + 1 : i;
        return Result.Success(new StringLiteral(value, TextSpan.FromBounds(line.Position, end), terminated, escaped is not null), line.SkipSpacesFrom(end));
    };

    /// <summary>
    /// <c>(direction)</c> after a handle's keyword: a word, or nothing, between parentheses, spaces allowed inside.
    /// An empty direction is an empty token just after <c>(</c>, so the binder can say which direction is missing.
    /// </summary>
    public static readonly Parser<HandleArguments> ParenthesizedDirection = input =>
    {
        var line = (LineInput)input;
        if (line.AtEnd || line.Current != '(')
        {
            return Result.Failure<HandleArguments>(line, Unexpected, OpenParenExpected);
        }

        LineInput inside = line.SkipSpacesFrom(line.Position + 1);
        int end = inside.Position;
        if (end < line.End && (char.IsLetter(line.Source[end]) || line.Source[end] == '_'))
        {
            while (end < line.End && IsIdentifierPart(line.Source[end]))
            {
                end++;
            }
        }

        SyntaxToken direction = end > inside.Position ? inside.TokenTo(end) : new SyntaxToken(string.Empty, new TextSpan(line.Position + 1, 0));
        LineInput close = inside.SkipSpacesFrom(end);
        return close.AtEnd || close.Current != ')'
            ? Result.Failure<HandleArguments>(close, Unexpected, CloseParenExpected)
            : Result.Success(new HandleArguments(direction, close.Position + 1), close.SkipSpacesFrom(close.Position + 1));
    };

    /// <summary>The text of a loop's condition, up to (not including) its <c>]</c>.</summary>
    public static readonly Parser<SyntaxToken> ConditionText = input =>
    {
        var line = (LineInput)input;
        int close = line.Source.IndexOf(']', line.Position, line.End - line.Position);
        return Result.Success(line.TokenTo(close < 0 ? line.End : close), line.At(close < 0 ? line.End : close));
    };

    /// <summary>The rest of the line, as written.</summary>
    public static readonly Parser<SyntaxToken> RestOfLine = input =>
    {
        var line = (LineInput)input;
        return Result.Success(line.TokenTo(line.End), line.At(line.End));
    };

    /// <summary>
    /// Runs the parser <paramref name="choose"/> picks for the next character (-1 at the end of the line), which is
    /// not taken: a rule uses it to try only the alternative whose first token can match there, so the others do
    /// not fail for nothing (docs/performance.md). It allocates nothing.
    /// </summary>
    public static Parser<T> ByNextCharacter<T>(Func<int, Parser<T>> choose) => input => choose(input.AtEnd ? -1 : input.Current)(input);

    /// <summary>Succeeds only at the end of the line.</summary>
    public static readonly Parser<int> EndOfLine = input =>
        input.AtEnd ? Result.Success(0, input) : Result.Failure<int>(input, Unexpected, EndOfLineExpected);

    /// <summary>True for characters that may continue an identifier.</summary>
    public static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>
    /// A word: a letter or <c>_</c>, then letters, digits or <c>_</c>. <paramref name="expected"/> names it in syntax
    /// errors ("node id", "shape").
    /// </summary>
    public static Parser<SyntaxToken> Word(string expected)
    {
        string[] expectations = [expected];
        return input =>
        {
            var line = (LineInput)input;
            int end = line.Position;
            if (end < line.End && (char.IsLetter(line.Source[end]) || line.Source[end] == '_'))
            {
                while (end < line.End && IsIdentifierPart(line.Source[end]))
                {
                    end++;
                }

                return Result.Success(line.TokenTo(end), line.SkipSpacesFrom(end));
            }

            return Result.Failure<SyntaxToken>(line, Unexpected, expectations);
        };
    }

    private static Parser<TextSpan> Symbol(string text)
    {
        string[] expected = ["'" + text + "'"];
        return input =>
        {
            var line = (LineInput)input;
            int end = line.Position + text.Length;
            return end <= line.End && string.CompareOrdinal(line.Source, line.Position, text, 0, text.Length) == 0
                ? Result.Success(TextSpan.FromBounds(line.Position, end), line.SkipSpacesFrom(end))
                : Result.Failure<TextSpan>(line, Unexpected, expected);
        };
    }
}

/// <summary>What <c>(dir)</c> gives before the keyword it belongs to is known: the direction and where <c>)</c> ends.</summary>
internal sealed record HandleArguments(SyntaxToken Direction, int End)
{
    /// <summary>The handle, once its keyword is known.</summary>
    public HandleSyntax With(SyntaxToken keyword) => new(keyword, Direction, TextSpan.FromBounds(keyword.Span.Start, End));
}
