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
    private static readonly string[] AttributeExpected = ["attribute"];
    private static readonly string[] NodeIdExpected = ["node id"];
    private static readonly string[] NodeOrHandleExpected = ["node id or 'handle'"];
    private static readonly string[] HandleExpected = ["'handle'"];

    public static readonly Parser<TextSpan> Arrow = Symbol("->");

    /// <summary>A node id (a word).</summary>
    public static readonly Parser<SyntaxToken> NodeId = input => ScanWord((LineInput)input, input.Position, NodeIdExpected).ToResult((LineInput)input);

    public static readonly Parser<TextSpan> Colon = Symbol(":");

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

    /// <summary>
    /// An attribute, <c>key:"value"</c> or <c>key="value"</c>, read as one token: a word, <c>:</c> or <c>=</c>, and a
    /// string in double quotes, each of which may be followed by spaces.
    /// </summary>
    public static readonly Parser<AttributeSyntax> Attribute = input =>
    {
        var line = (LineInput)input;
        Scanned<SyntaxToken> key = ScanWord(line, line.Position, AttributeExpected);
        if (key.Failed)
        {
            return key.FailureAs<AttributeSyntax>(line);
        }

        int separator = key.Next;
        if (separator >= line.End || line.Source[separator] is not (':' or '='))
        {
            return Result.Failure<AttributeSyntax>(line.At(separator), Unexpected, SeparatorExpected);
        }

        Scanned<StringLiteral> value = ScanString(line, line.SpacesEnd(separator + 1));
        return value.Failed
            ? value.FailureAs<AttributeSyntax>(line)
            : Result.Success(
                new AttributeSyntax(key.Value, line.Source[separator], value.Value) { Span = TextSpan.FromBounds(key.Value.Span.Start, value.Value.Span.End) },
                line.At(value.Next));
    };

    /// <summary>
    /// What may follow an endpoint's first word, read as one token: nothing, <c>.handle(dir)</c> (the first word is the
    /// node), or <c>.node</c> with an optional <c>.handle(dir)</c> (the first word is the lane). A word followed by
    /// <c>(dir)</c> is taken as the handle keyword whatever it says, so the binder can hint at a misspelt
    /// <c>handle</c>.
    /// </summary>
    public static readonly Parser<EndpointTail?> OptionalEndpointTail = input =>
    {
        var line = (LineInput)input;
        return ScanEndpointTail(line, line.Position).ToResult(line);
    };

    /// <summary>An endpoint, <c>[Lane.]node[.handle(dir)]</c>, read as one token.</summary>
    public static readonly Parser<EndpointSyntax> Endpoint = input =>
    {
        var line = (LineInput)input;
        Scanned<SyntaxToken> first = ScanWord(line, line.Position, NodeIdExpected);
        if (first.Failed)
        {
            return first.FailureAs<EndpointSyntax>(line);
        }

        Scanned<EndpointTail?> tail = ScanEndpointTail(line, first.Next);
        return tail.Failed ? tail.FailureAs<EndpointSyntax>(line) : Result.Success(EndpointTail.Complete(tail.Value, first.Value), line.At(tail.Next));
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
            return ScanWord(line, line.Position, expectations).ToResult(line);
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

    // A word from position: the token and where the next one starts (after spaces), or a failure there.
    private static Scanned<SyntaxToken> ScanWord(LineInput line, int position, string[] expected)
    {
        int end = WordEnd(line, position);
        return end > position
            ? new(new SyntaxToken(line.Words.Get(line.Source, position, end), TextSpan.FromBounds(position, end)), line.SpacesEnd(end))
            : Scanned<SyntaxToken>.Failure(position, expected);
    }

    // Where the word (a letter or '_', then letters, digits or '_') that starts at position ends; position if none does.
    private static int WordEnd(LineInput line, int position)
    {
        int end = position;
        if (end < line.End && (char.IsLetter(line.Source[end]) || line.Source[end] == '_'))
        {
            while (end < line.End && IsIdentifierPart(line.Source[end]))
            {
                end++;
            }
        }

        return end;
    }

    // A double-quoted string; \" and \\ are escapes (FZ3013 warns about them). A missing closing quote is recorded,
    // not failed, so it gets its own diagnostic (FZ0002).
    private static Scanned<StringLiteral> ScanString(LineInput line, int position)
    {
        if (position >= line.End || line.Source[position] != '"')
        {
            return Scanned<StringLiteral>.Failure(position, StringExpected);
        }

        string source = line.Source;
        int i = position + 1;
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

        string value = escaped is null ? source[(position + 1)..i] : escaped.Append(source, run, i - run).ToString();
        bool terminated = i < line.End;
        int end = terminated ? i + 1 : i;
        return new(new StringLiteral(value, TextSpan.FromBounds(position, end), terminated, escaped is not null), line.SpacesEnd(end));
    }

    // (direction) after a handle's keyword: a word, or nothing, between parentheses, spaces allowed inside. An empty
    // direction is an empty token just after '(', so the binder can say which direction is missing.
    private static Scanned<HandleArguments> ScanDirection(LineInput line, int position)
    {
        if (position >= line.End || line.Source[position] != '(')
        {
            return Scanned<HandleArguments>.Failure(position, OpenParenExpected);
        }

        int inside = line.SpacesEnd(position + 1);
        int end = WordEnd(line, inside);

        SyntaxToken direction = end > inside
            ? new SyntaxToken(line.Words.Get(line.Source, inside, end), TextSpan.FromBounds(inside, end))
            : new SyntaxToken(string.Empty, new TextSpan(position + 1, 0));
        int close = line.SpacesEnd(end);
        return close >= line.End || line.Source[close] != ')'
            ? Scanned<HandleArguments>.Failure(close, CloseParenExpected)
            : new(new HandleArguments(direction, close + 1), line.SpacesEnd(close + 1));
    }

    // After an endpoint's first word: nothing, or '.' and a second word, then '(dir)' (the second word is the handle
    // keyword) or '.handle(dir)' (the second word is the node).
    private static Scanned<EndpointTail?> ScanEndpointTail(LineInput line, int position)
    {
        if (position >= line.End || line.Source[position] != '.')
        {
            return new(null, position);
        }

        Scanned<SyntaxToken> second = ScanWord(line, line.SpacesEnd(position + 1), NodeOrHandleExpected);
        if (second.Failed)
        {
            return second.FailureAs<EndpointTail?>();
        }

        int next = second.Next;
        if (next < line.End && line.Source[next] == '(')
        {
            Scanned<HandleArguments> arguments = ScanDirection(line, next);
            return arguments.Failed ? arguments.FailureAs<EndpointTail?>() : new(new EndpointTail(second.Value, arguments.Value.With(second.Value), IsHandleOfFirst: true), arguments.Next);
        }

        if (next < line.End && line.Source[next] == '.')
        {
            Scanned<SyntaxToken> keyword = ScanWord(line, line.SpacesEnd(next + 1), HandleExpected);
            if (keyword.Failed)
            {
                return keyword.FailureAs<EndpointTail?>();
            }

            Scanned<HandleArguments> arguments = ScanDirection(line, keyword.Next);
            return arguments.Failed ? arguments.FailureAs<EndpointTail?>() : new(new EndpointTail(second.Value, arguments.Value.With(keyword.Value), IsHandleOfFirst: false), arguments.Next);
        }

        return new(new EndpointTail(second.Value, null, IsHandleOfFirst: false), next);
    }

    /// <summary>What a scan read and where the next token starts, or where it failed and what was expected there.</summary>
    private readonly record struct Scanned<T>(T Value, int Next, string[]? Expected = null)
    {
        public bool Failed => Expected is not null;

        public static Scanned<T> Failure(int position, string[] expected) => new(default!, position, expected);

        public Scanned<TOther> FailureAs<TOther>() => new(default!, Next, Expected);

        public IResult<TOther> FailureAs<TOther>(LineInput line) => Result.Failure<TOther>(line.At(Next), Unexpected, Expected!);

        public IResult<T> ToResult(LineInput line) => Failed ? FailureAs<T>(line) : Result.Success(Value, line.At(Next));
    }
}

/// <summary>
/// What follows an endpoint's first word: a second word and a handle. The handle belongs to the first word when the
/// second is its keyword (<c>n1.handle(dir)</c>); else the first word is the lane and the second the node.
/// </summary>
internal readonly record struct EndpointTail(SyntaxToken Second, HandleSyntax? Handle, bool IsHandleOfFirst)
{
    /// <summary>The endpoint that starts with <paramref name="first"/> and ends with <paramref name="tail"/>, if any.</summary>
    public static EndpointSyntax Complete(EndpointTail? tail, SyntaxToken first) => tail switch
    {
        null => new EndpointSyntax(null, first, null, first.Span),
        { IsHandleOfFirst: true, Handle: { } handle } => new EndpointSyntax(null, first, handle, TextSpan.FromBounds(first.Span.Start, handle.Span.End)),
        { } t => new EndpointSyntax(first, t.Second, t.Handle, TextSpan.FromBounds(first.Span.Start, t.Handle?.Span.End ?? t.Second.Span.End)),
    };
}

/// <summary>What <c>(dir)</c> gives before the keyword it belongs to is known: the direction and where <c>)</c> ends.</summary>
internal sealed record HandleArguments(SyntaxToken Direction, int End)
{
    /// <summary>The handle, once its keyword is known.</summary>
    public HandleSyntax With(SyntaxToken keyword) => new(keyword, Direction, TextSpan.FromBounds(keyword.Span.Start, End));
}
