namespace FlowRunner.Language.Text;

/// <summary>The text of one flow file with its line map. Accepts LF, CRLF and lone CR line breaks.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    private SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        _lineStarts = ComputeLineStarts(text);
    }

    /// <summary>The path the text was read from, as given by the caller ("-" for standard input).</summary>
    public string Path { get; }

    /// <summary>The whole text.</summary>
    public string Text { get; }

    /// <summary>The number of lines; a final line break does not start a new line.</summary>
    public int LineCount => _lineStarts.Length;

    /// <summary>The line break the file uses most: "\r\n" when its first break is CRLF, else "\n".</summary>
    public string PreferredNewLine
    {
        get
        {
            int lf = Text.IndexOf('\n', StringComparison.Ordinal);
            return lf > 0 && Text[lf - 1] == '\r' ? "\r\n" : "\n";
        }
    }

    /// <summary>Wraps a string as a source text.</summary>
    public static SourceText From(string text, string path = "") => new(path, text);

    /// <summary>The 0-based line and column of an offset; offsets past the end map to the end.</summary>
    public LinePosition GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new LinePosition(line, offset - _lineStarts[line]);
    }

    /// <summary>The span of a line, without its line break.</summary>
    public TextSpan GetLineSpan(int line)
    {
        int start = _lineStarts[line];
        int end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] : Text.Length;
        while (end > start && (Text[end - 1] == '\n' || Text[end - 1] == '\r'))
        {
            end--;
        }

        return TextSpan.FromBounds(start, end);
    }

    /// <summary>The text of a line, without its line break.</summary>
    public string GetLineText(int line)
    {
        TextSpan span = GetLineSpan(line);
        return Text.Substring(span.Start, span.Length);
    }

    /// <summary>The text covered by a span.</summary>
    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int>(Math.Max(4, text.Length / 32)) { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (i + 1 < text.Length)
                {
                    starts.Add(i + 1);
                }
            }
            else if (c == '\n' && i + 1 < text.Length)
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }
}
