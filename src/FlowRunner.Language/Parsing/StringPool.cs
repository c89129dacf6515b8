namespace FlowRunner.Language.Parsing;

/// <summary>
/// Hands out one string instance per distinct identifier text in a parse (Roslyn's StringTable, simplified),
/// so repeated words and node ids referenced by many edges are allocated once.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out string? existing))
        {
            return existing;
        }

        string created = text.ToString();
        _lookup[created] = created;
        return created;
    }
}
