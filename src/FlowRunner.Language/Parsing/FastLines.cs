using System.Collections.Immutable;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// Hand-written Sprache parsers for the two lines that make up almost every file: a node
/// (<c>id: shape key:"value"...</c>) and an edge (<c>a.handle(d) -&gt; L.b.handle(d) [label="x"]</c>), each with
/// an optional trailing comment. They read the line in one pass and allocate only the tree, where the combinator
/// grammar allocates a result, an input and a closure per token (about 5 KB per line).
/// </summary>
/// <remarks>
/// They accept a strict subset of what <see cref="FlowGrammar.FullLine"/> accepts and build exactly the tree it
/// builds (a test compares both on every corpus file and on thousands of mutated lines). On anything else (an
/// escape in a string, a missing quote, the word <c>loop</c>, any error) they fail at the start of the line
/// without expectations, and the parser hands the line to the combinator grammar, which
/// reports it exactly as before. They are called directly, not as a Sprache parser, so a line they read
/// allocates no input, result or closure at all.
/// </remarks>
internal static class FastLines
{
    /// <summary>Reads the node or edge line from <paramref name="start"/> to <paramref name="end"/>, or returns null.</summary>
    internal static StatementSyntax? TryRead(string source, int start, int end, StringPool pool) =>
        new Reader(source, start, end, pool).ReadLine();

    private ref struct Reader(string source, int start, int end, StringPool pool)
    {
        private const int ShortValue = 8;

        private readonly string _source = source;
        private readonly int _end = end;
        private int _position = start;

        public StatementSyntax? ReadLine()
        {
            SkipSpaces();
            if (!TryWord(out SyntaxToken first) || first.Text == "loop")
            {
                return null;
            }

            StatementSyntax? statement = Peek() == ':' ? ReadNode(first) : ReadEdge(first);
            if (statement is null)
            {
                return null;
            }

            if (_position < _end)
            {
                CommentSyntax? comment = ReadComment();
                if (comment is null)
                {
                    return null;
                }

                statement = statement with { TrailingComment = comment };
            }

            return statement;
        }

        private NodeSyntax? ReadNode(SyntaxToken id)
        {
            _position++; // ':'
            SkipSpaces();
            if (!TryWord(out SyntaxToken shape))
            {
                return null;
            }

            // Most nodes have one attribute: it goes straight into an array of one; a builder only from the second.
            AttributeSyntax? first = null;
            ImmutableArray<AttributeSyntax>.Builder? more = null;
            int end = shape.Span.End;
            while (_position < _end && FlowTokens.IsIdentifierStart(_source[_position]))
            {
                AttributeSyntax? attribute = ReadAttribute();
                if (attribute is null)
                {
                    return null;
                }

                if (first is null)
                {
                    first = attribute;
                }
                else
                {
                    (more ??= ImmutableArray.CreateBuilder<AttributeSyntax>()).Add(attribute);
                }

                end = attribute.Span.End;
            }

            ImmutableArray<AttributeSyntax> list = first is null ? [] : more is null ? [first] : [first, .. more];
            return new NodeSyntax(id, shape, list) { Span = TextSpan.FromBounds(id.Span.Start, end) };
        }

        private AttributeSyntax? ReadAttribute()
        {
            if (!TryWord(out SyntaxToken key))
            {
                return null;
            }

            char separator = Peek();
            if (separator != ':' && separator != '=')
            {
                return null;
            }

            _position++;
            SkipSpaces();
            if (Peek() != '"')
            {
                return null;
            }

            int start = _position;
            int close = start + 1;
            while (close < _end && _source[close] != '"')
            {
                if (_source[close] == '\\')
                {
                    return null; // escapes: the combinator grammar reads them
                }

                close++;
            }

            if (close >= _end)
            {
                return null; // unterminated: the combinator grammar records it for its own diagnostic
            }

            // Short values repeat ("Yes", "No", "Start", "End"): they come from the pool like words do.
            int length = close - start - 1;
            string text = length <= ShortValue ? pool.Get(_source.AsSpan(start + 1, length)) : _source.Substring(start + 1, length);
            var value = new StringLiteral(text, TextSpan.FromBounds(start, close + 1), IsTerminated: true, HasEscapes: false);
            _position = close + 1;
            SkipSpaces();
            return new AttributeSyntax(key, separator, value) { Span = TextSpan.FromBounds(key.Span.Start, value.Span.End) };
        }

        private EdgeSyntax? ReadEdge(SyntaxToken first)
        {
            EndpointSyntax? source = ReadEndpointAfter(first);
            if (source is null)
            {
                return null;
            }

            // Almost every edge is a -> b: its two endpoints go straight into an array of two, a builder only for chains.
            if (!TrySymbol('-', '>') || !TryWord(out SyntaxToken secondFirst) || ReadEndpointAfter(secondFirst) is not { } second)
            {
                return null;
            }

            ImmutableArray<EndpointSyntax> path;
            if (Peek() != '-')
            {
                path = [source.Value, second];
            }
            else
            {
                var chain = ImmutableArray.CreateBuilder<EndpointSyntax>();
                chain.Add(source.Value);
                chain.Add(second);
                while (TrySymbol('-', '>'))
                {
                    if (!TryWord(out SyntaxToken targetFirst) || ReadEndpointAfter(targetFirst) is not { } target)
                    {
                        return null;
                    }

                    chain.Add(target);
                }

                path = chain.DrainToImmutable();
            }

            AttributeSyntax? label = null;
            if (Peek() == '[')
            {
                int open = _position;
                _position++;
                SkipSpaces();
                AttributeSyntax? attribute = ReadAttribute();
                if (attribute is null || Peek() != ']')
                {
                    return null;
                }

                _position++;
                label = attribute with { Span = TextSpan.FromBounds(open, _position) };
                SkipSpaces();
            }

            int end = label?.Span.End ?? path[^1].Span.End;
            return new EdgeSyntax(path, label) { Span = TextSpan.FromBounds(source.Value.Span.Start, end) };
        }

        /// <summary>After an endpoint's first word: nothing, <c>.handle(d)</c>, <c>.node</c> or <c>.node.handle(d)</c>.</summary>
        private EndpointSyntax? ReadEndpointAfter(SyntaxToken first)
        {
            if (Peek() != '.')
            {
                return new EndpointSyntax(null, first, null, first.Span);
            }

            _position++;
            SkipSpaces();
            if (!TryWord(out SyntaxToken second))
            {
                return null;
            }

            if (Peek() == '(')
            {
                HandleSyntax? own = ReadHandleArguments(second);
                return own is { } ownHandle ? new EndpointSyntax(null, first, ownHandle, TextSpan.FromBounds(first.Span.Start, ownHandle.Span.End)) : null;
            }

            if (Peek() != '.')
            {
                return new EndpointSyntax(first, second, null, TextSpan.FromBounds(first.Span.Start, second.Span.End));
            }

            _position++;
            SkipSpaces();
            if (!TryWord(out SyntaxToken keyword) || Peek() != '(')
            {
                return null;
            }

            HandleSyntax? handle = ReadHandleArguments(keyword);
            return handle is { } suffix ? new EndpointSyntax(first, second, suffix, TextSpan.FromBounds(first.Span.Start, suffix.Span.End)) : null;
        }

        private HandleSyntax? ReadHandleArguments(SyntaxToken keyword)
        {
            int openEnd = _position + 1; // after '('
            _position = openEnd;
            SkipSpaces();
            SyntaxToken direction = TryWord(out SyntaxToken word) ? word : new SyntaxToken(string.Empty, new TextSpan(openEnd, 0));
            if (Peek() != ')')
            {
                return null;
            }

            _position++;
            int close = _position;
            SkipSpaces();
            return new HandleSyntax(keyword, direction, TextSpan.FromBounds(keyword.Span.Start, close));
        }

        private CommentSyntax? ReadComment()
        {
            int start = _position;
            CommentKind kind;
            int textStart;
            if (_source[start] == '#')
            {
                kind = CommentKind.Hash;
                textStart = start + 1;
            }
            else if (start + 1 < _end && _source[start] == '/' && _source[start + 1] == '/')
            {
                kind = CommentKind.Slash;
                textStart = start + 2;
            }
            else
            {
                return null;
            }

            _position = _end;
            return new CommentSyntax(kind, _source[textStart.._end]) { Span = TextSpan.FromBounds(start, _end) };
        }

        private readonly char Peek() => _position < _end ? _source[_position] : '\0';

        private bool TrySymbol(char a, char b)
        {
            if (_position + 1 < _end && _source[_position] == a && _source[_position + 1] == b)
            {
                _position += 2;
                SkipSpaces();
                return true;
            }

            return false;
        }

        private bool TryWord(out SyntaxToken token)
        {
            int start = _position;
            if (start >= _end || !FlowTokens.IsIdentifierStart(_source[start]))
            {
                token = default;
                return false;
            }

            int i = start + 1;
            while (i < _end && FlowTokens.IsIdentifierPart(_source[i]))
            {
                i++;
            }

            token = new SyntaxToken(pool.Get(_source.AsSpan(start, i - start)), TextSpan.FromBounds(start, i));
            _position = i;
            SkipSpaces();
            return true;
        }

        private void SkipSpaces()
        {
            while (_position < _end && (_source[_position] == ' ' || _source[_position] == '\t'))
            {
                _position++;
            }
        }
    }
}
