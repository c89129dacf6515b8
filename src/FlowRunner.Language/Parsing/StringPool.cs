using FlowRunner.Language.Model;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// Identifier strings, allocated once per file rather than once per use. Words that repeat on many lines
/// ("circle", "label", "handle", "right", lane ids, "Yes") go through a small direct-mapped cache: fixed size, so
/// it stays in the CPU cache whatever the file's size. Numbered node ids (<c>n1</c>, <c>n2</c>, ...), which are
/// unique per node but named again by every edge, go through an array indexed by their number, so an edge's
/// endpoints reuse the strings of the declarations (a flow of 100k nodes allocated 220k more strings otherwise).
/// </summary>
/// <param name="maxNumber">
/// Numbers from this on are not kept by number (they go through the small cache): give about the file's line count,
/// so the array grows with the file and an id such as n99999999 in a small file cannot make it huge.
/// </param>
internal sealed class StringPool(int maxNumber)
{
    private const int Size = 512; // a power of two
    private readonly string?[] _slots = new string?[Size];
    private string?[] _numbered = new string?[Math.Min(256, maxNumber)];

    public string Get(ReadOnlySpan<char> text)
    {
        if (NodeTable.TryParseNumber(text, out int number) && number < maxNumber)
        {
            if (number >= _numbered.Length)
            {
                Array.Resize(ref _numbered, (int)Math.Min(maxNumber, Math.Max(number + 1L, _numbered.Length * 2L)));
            }

            return _numbered[number] ??= text.ToString();
        }

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
