namespace FlowRunner.Language.Parsing;

/// <summary>
/// The words of one source text, each kept once: a node id, lane, keyword or direction read again is the string read
/// first, so a flow's tree holds each word once (a node id appears in its declaration and in every edge).
/// </summary>
internal sealed class WordPool
{
    private readonly Dictionary<string, string> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public WordPool() => _bySpan = _words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The text of <paramref name="source"/> from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public string Get(string source, int start, int end)
    {
        ReadOnlySpan<char> text = source.AsSpan(start, end - start);
        if (!_bySpan.TryGetValue(text, out string? word))
        {
            word = text.ToString();
            _words.Add(word, word);
        }

        return word;
    }
}
