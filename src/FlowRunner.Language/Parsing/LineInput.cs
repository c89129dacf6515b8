using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// A Sprache input over one line of the whole source text: positions are absolute offsets, so spans need
/// no translation, and the input ends at the line break, so no rule can run past its line.
/// </summary>
internal sealed class LineInput : IInput
{
    private readonly int _lineStart;
    private Dictionary<object, object>? _memos;

    public LineInput(string source, int position, int end, int line, int lineStart, StringPool pool)
    {
        Pool = pool;
        Source = source;
        Position = position;
        End = end;
        Line = line;
        _lineStart = lineStart;
    }

    public string Source { get; }

    /// <summary>The parse's identifier pool: "circle", "label" and node ids repeat on thousands of lines.</summary>
    public StringPool Pool { get; }

    public int Position { get; }

    /// <summary>The offset of the line break (or the end of the text) that ends this line.</summary>
    public int End { get; }

    public int Line { get; }

    public int Column => Position - _lineStart + 1;

    public char Current => AtEnd ? '\0' : Source[Position];

    public bool AtEnd => Position >= End;

    public IDictionary<object, object> Memos => _memos ??= [];

    public IInput Advance()
    {
        if (AtEnd)
        {
            throw new InvalidOperationException("The input is already at its end.");
        }

        return new LineInput(Source, Position + 1, End, Line, _lineStart, Pool);
    }

    /// <summary>A new input at <paramref name="position"/> on the same line.</summary>
    public LineInput Seek(int position) =>
        position == Position ? this : new LineInput(Source, position, End, Line, _lineStart, Pool);

    public bool Equals(IInput? other) => other is LineInput o && ReferenceEquals(o.Source, Source) && o.Position == Position;

    public override bool Equals(object? obj) => Equals(obj as IInput);

    public override int GetHashCode() => HashCode.Combine(Source.Length, Position);
}
