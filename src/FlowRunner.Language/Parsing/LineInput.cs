using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// A Sprache input over one line of the whole source text: positions are offsets into the whole text, so spans
/// need no translation, and the input ends at the line break, so no rule can run past its line.
/// </summary>
internal sealed class LineInput : IInput
{
    // What every position on the line shares: an input is then only a line and a position (the grammar makes one
    // per token it reads).
    private readonly LineText _line;

    public LineInput(string source, int position, int end, int line, int lineStart, WordPool words)
        : this(new LineText(source, end, line, lineStart, words), position)
    {
    }

    private LineInput(LineText line, int position)
    {
        _line = line;
        Position = position;
    }

    public string Source => _line.Source;

    public int Position { get; }

    /// <summary>The offset of the line break (or the end of the text) that ends this line.</summary>
    public int End => _line.End;

    public int Line => _line.Number;

    /// <summary>The words read so far from this source text, each kept once.</summary>
    public WordPool Words => _line.Words;

    public int Column => Position - _line.Start + 1;

    public char Current => AtEnd ? '\0' : Source[Position];

    public bool AtEnd => Position >= End;

    /// <summary>Not kept: the grammar memoizes nothing, and a dictionary per position would double what an input costs.</summary>
    public IDictionary<object, object> Memos => throw new NotSupportedException("FlowRunner's grammar does not memoize parsers (Sprache's Memoize)");

    public IInput Advance() => AtEnd
        ? throw new InvalidOperationException("The input is already at its end.")
        : new LineInput(_line, Position + 1);

    /// <summary>The input at <paramref name="position"/> on this line.</summary>
    public LineInput At(int position) => position == Position ? this : new LineInput(_line, position);

    /// <summary>The input after the spaces and tabs that start at <paramref name="position"/>.</summary>
    public LineInput SkipSpacesFrom(int position) => At(SpacesEnd(position));

    /// <summary>Where the spaces and tabs that start at <paramref name="position"/> end.</summary>
    public int SpacesEnd(int position)
    {
        while (position < End && Source[position] is ' ' or '\t')
        {
            position++;
        }

        return position;
    }

    /// <summary>The text from here to <paramref name="end"/> as a token.</summary>
    public Syntax.SyntaxToken TokenTo(int end) => new(Source[Position..end], Text.TextSpan.FromBounds(Position, end));

    public bool Equals(IInput? other) => other is LineInput o && ReferenceEquals(o.Source, Source) && o.Position == Position;

    public override bool Equals(object? obj) => Equals(obj as IInput);

    public override int GetHashCode() => HashCode.Combine(Source.Length, Position);

    /// <summary>Names what stands here in a syntax error: a word, a symbol, or the end of the line.</summary>
    public string Describe()
    {
        if (AtEnd)
        {
            return "end of line";
        }

        int i = Position;
        if (FlowTokens.IsIdentifierPart(Source[i]))
        {
            int end = i;
            while (end < End && FlowTokens.IsIdentifierPart(Source[end]) && end - i < 40)
            {
                end++;
            }

            return "'" + Source[i..end] + "'";
        }

        if (char.IsSurrogatePair(Source, i))
        {
            return string.Concat("'", Source.AsSpan(i, 2), "'");
        }

        return char.IsControl(Source[i]) ? $"control character U+{(int)Source[i]:X4}" : "'" + Source[i] + "'";
    }

    private sealed record LineText(string Source, int End, int Number, int Start, WordPool Words);
}
