using System.Text;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// Token parsers. They scan characters directly instead of composing <c>Parse.Char</c>, because they run on
/// every line of every file; each one consumes the spaces that follow it (lexeme style), so no rule ever
/// has to backtrack over white space.
/// </summary>
internal static class FlowTokens
{
    // Declared first: static fields initialise in textual order, and the token parsers below use it.
    private static readonly Dictionary<string, string[]> ExpectationCache = new(StringComparer.Ordinal);

    /// <summary>Skips spaces and tabs; never fails.</summary>
    internal static readonly Parser<int> Spaces = input =>
    {
        var line = (LineInput)input;
        int end = SkipSpaces(line.Source, line.Position, line.End);
        return Result.Success(end - line.Position, line.Seek(end));
    };

    /// <summary>An identifier: a letter or <c>_</c>, then letters, digits or <c>_</c>.</summary>
    internal static readonly Parser<SyntaxToken> Identifier = Word("identifier");

    /// <summary>The arrow of an edge.</summary>
    internal static readonly Parser<TextSpan> Arrow = Symbol("->", "'->'");

    internal static readonly Parser<TextSpan> Dot = Symbol(".", "'.'");

    internal static readonly Parser<TextSpan> Colon = Symbol(":", "':'");

    internal static readonly Parser<TextSpan> OpenParen = Symbol("(", "'('");

    internal static readonly Parser<TextSpan> CloseParen = Symbol(")", "')'");

    internal static readonly Parser<TextSpan> OpenBracket = Symbol("[", "'['");

    internal static readonly Parser<TextSpan> CloseBracket = Symbol("]", "']'");

    internal static readonly Parser<TextSpan> OpenBrace = Symbol("{", "'{'");

    internal static readonly Parser<TextSpan> CloseBrace = Symbol("}", "'}'");

    /// <summary><c>:</c> or <c>=</c> between an attribute key and its value.</summary>
    internal static readonly Parser<char> Separator = input =>
    {
        var line = (LineInput)input;
        char c = line.Current;
        if (!line.AtEnd && (c == ':' || c == '='))
        {
            return Result.Success(c, line.Seek(SkipSpaces(line.Source, line.Position + 1, line.End)));
        }

        return Fail<char>(line, "':' or '='");
    };

    /// <summary>A double-quoted string. A missing closing quote is recorded, not failed, so it gets its own diagnostic.</summary>
    internal static readonly Parser<StringLiteral> QuotedString = input =>
    {
        var line = (LineInput)input;
        if (line.AtEnd || line.Current != '"')
        {
            return Fail<StringLiteral>(line, "string in double quotes");
        }

        string source = line.Source;
        int start = line.Position;
        int i = start + 1;
        StringBuilder? escaped = null;
        int runStart = i;
        while (i < line.End && source[i] != '"')
        {
            if (source[i] == '\\' && i + 1 < line.End && (source[i + 1] == '"' || source[i + 1] == '\\'))
            {
                escaped ??= new StringBuilder();
                escaped.Append(source, runStart, i - runStart).Append(source[i + 1]);
                i += 2;
                runStart = i;
                continue;
            }

            i++;
        }

        bool terminated = i < line.End;
        string value = escaped is null
            ? source.Substring(start + 1, i - start - 1)
            : escaped.Append(source, runStart, i - runStart).ToString();
        int end = terminated ? i + 1 : i;
        var literal = new StringLiteral(value, TextSpan.FromBounds(start, end), terminated, escaped is not null);
        return Result.Success(literal, line.Seek(SkipSpaces(source, end, line.End)));
    };

    /// <summary>The text up to (not including) <c>]</c>, for a loop's condition.</summary>
    internal static readonly Parser<SyntaxToken> TextUntilBracket = input =>
    {
        var line = (LineInput)input;
        int close = line.Source.IndexOf(']', line.Position, line.End - line.Position);
        if (close < 0)
        {
            return Result.Failure<SyntaxToken>(line.Seek(line.End), FailureMessage, Expectations("']' to close the loop condition"));
        }

        var token = new SyntaxToken(line.Source[line.Position..close], TextSpan.FromBounds(line.Position, close));
        return Result.Success(token, line.Seek(close));
    };

    /// <summary>The rest of the line, unchanged.</summary>
    internal static readonly Parser<SyntaxToken> RestOfLine = input =>
    {
        var line = (LineInput)input;
        var token = new SyntaxToken(line.Source[line.Position..line.End], TextSpan.FromBounds(line.Position, line.End));
        return Result.Success(token, line.Seek(line.End));
    };

    /// <summary>Succeeds only at the end of the line.</summary>
    internal static readonly Parser<int> EndOfLine = input =>
    {
        var line = (LineInput)input;
        return line.AtEnd ? Result.Success(0, line) : Fail<int>(line, "end of line");
    };

    /// <summary>True for characters that may start an identifier.</summary>
    internal static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    /// <summary>True for characters that may continue an identifier.</summary>
    internal static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static Parser<SyntaxToken> Word(string expectation)
    {
        string[] expected = Expectations(expectation);
        return input => ScanWord((LineInput)input, expected);
    }

    private static IResult<SyntaxToken> ScanWord(LineInput line, string[] expected)
    {
        string source = line.Source;
        int i = line.Position;
        if (i >= line.End || !IsIdentifierStart(source[i]))
        {
            return Result.Failure<SyntaxToken>(line, FailureMessage, expected);
        }

        int start = i;
        while (i < line.End && IsIdentifierPart(source[i]))
        {
            i++;
        }

        var token = new SyntaxToken(line.Pool.Get(source.AsSpan(start, i - start)), TextSpan.FromBounds(start, i));
        return Result.Success(token, line.Seek(SkipSpaces(source, i, line.End)));
    }

    internal static Parser<TextSpan> Symbol(string text, string expectation, bool skipSpaces = true)
    {
        string[] expected = Expectations(expectation);
        return input => ScanSymbol((LineInput)input, text, expected, skipSpaces);
    }

    private static IResult<TextSpan> ScanSymbol(LineInput line, string text, string[] expected, bool skipSpaces)
    {
        int start = line.Position;
        if (line.End - start >= text.Length && string.CompareOrdinal(line.Source, start, text, 0, text.Length) == 0)
        {
            int end = start + text.Length;
            return Result.Success(TextSpan.FromBounds(start, end), line.Seek(skipSpaces ? SkipSpaces(line.Source, end, line.End) : end));
        }

        return Result.Failure<TextSpan>(line, FailureMessage, expected);
    }

    /// <summary>
    /// The message of every failure. Alternatives fail many times per line by design, so failures allocate
    /// nothing: what stands at the failing position is described only when a whole line fails.
    /// </summary>
    internal const string FailureMessage = "unexpected input";

    internal static IResult<T> Fail<T>(LineInput line, string expectation) =>
        Result.Failure<T>(line, FailureMessage, Expectations(expectation));

    /// <summary>One shared array per expectation text (built while the static parsers are built, single-threaded).</summary>
    internal static string[] Expectations(string expectation)
    {
        lock (ExpectationCache)
        {
            if (!ExpectationCache.TryGetValue(expectation, out string[]? array))
            {
                array = [expectation];
                ExpectationCache.Add(expectation, array);
            }

            return array;
        }
    }

    /// <summary>Names what stands at the input: a word, a symbol, or the end of the line.</summary>
    internal static string Describe(LineInput line)
    {
        if (line.AtEnd)
        {
            return "end of line";
        }

        string source = line.Source;
        int i = line.Position;
        if (IsIdentifierPart(source[i]))
        {
            int end = i;
            while (end < line.End && IsIdentifierPart(source[end]) && end - i < 40)
            {
                end++;
            }

            return "'" + source[i..end] + "'";
        }

        if (char.IsSurrogatePair(source, i))
        {
            return string.Concat("'", source.AsSpan(i, 2), "'");
        }

        return char.IsControl(source[i]) ? $"control character U+{(int)source[i]:X4}" : "'" + source[i] + "'";
    }

    private static int SkipSpaces(string source, int position, int end)
    {
        while (position < end && (source[position] == ' ' || source[position] == '\t'))
        {
            position++;
        }

        return position;
    }
}
