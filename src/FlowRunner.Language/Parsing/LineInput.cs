using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// A Sprache input over one line of the whole source text: positions are offsets into the whole text, so spans
/// need no translation, and the input ends at the line break, so no rule can run past its line.
/// </summary>
internal sealed class LineInput : IInput
{
    private readonly int _lineStart;
    private Dictionary<object, object>? _memos;

    public LineInput(string source, int position, int end, int line, int lineStart)
    {
        Source = source;
        Position = position;
        End = end;
        Line = line;
        _lineStart = lineStart;
    }

    public string Source { get; }

    public int Position { get; }

    /// <summary>The offset of the line break (or the end of the text) that ends this line.</summary>
    public int End { get; }

    public int Line { get; }

    public int Column => Position - _lineStart + 1;

    public char Current => AtEnd ? '\0' : Source[Position];

    public bool AtEnd => Position >= End;

    public IDictionary<object, object> Memos => _memos ??= [];

    public IInput Advance() => AtEnd
        ? throw new InvalidOperationException("The input is already at its end.")
        : new LineInput(Source, Position + 1, End, Line, _lineStart);

    /// <summary>The input at <paramref name="position"/> on this line.</summary>
    public LineInput At(int position) => position == Position ? this : new LineInput(Source, position, End, Line, _lineStart);

    /// <summary>The input after the spaces and tabs that start at <paramref name="position"/>.</summary>
    public LineInput SkipSpacesFrom(int position)
    {
        while (position < End && Source[position] is ' ' or '\t')
        {
            position++;
        }

        return At(position);
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
}
