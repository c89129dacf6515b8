namespace FlowRunner.Language.Text;

/// <summary>A range of characters in a source text: 0-based start offset and length.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>The offset just past the last character.</summary>
    public int End => Start + Length;

    /// <summary>Creates a span from a start and an end offset.</summary>
    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    /// <summary>True when <paramref name="offset"/> lies inside the span or at its end.</summary>
    public bool Contains(int offset) => offset >= Start && offset <= End;
}
