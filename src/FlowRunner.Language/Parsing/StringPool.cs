namespace FlowRunner.Language.Parsing;

/// <summary>
/// A small direct-mapped cache of identifier strings: words that repeat on many lines ("circle", "label",
/// "handle", "right", lane ids) are allocated once. Fixed size, so it stays in the CPU cache whatever the
/// file's size; a growing table of every node id made each lookup a memory miss on large files.
/// </summary>
internal sealed class StringPool
{
    private const int Size = 512; // a power of two
    private readonly string?[] _slots = new string?[Size];

    public string Get(ReadOnlySpan<char> text)
    {
        int slot = string.GetHashCode(text) & (Size - 1);
        string? cached = _slots[slot];
        if (cached is not null && text.SequenceEqual(cached))
        {
            return cached;
        }

        string created = text.ToString();
        _slots[slot] = created;
        return created;
    }
}
