namespace FlowRunner.Language.Model;

/// <summary>
/// The declared nodes by id. FlowZap numbers its nodes <c>n1</c>, <c>n2</c>, ... (reference §3 "IDs"), so those ids
/// are kept in an array indexed by their number and any other id in a dictionary. Resolving the edges of a large
/// flow then reads the array in order (edges mostly join neighbouring numbers) instead of hopping around a hash
/// table bigger than the CPU cache, and reading a number needs no string comparison.
/// </summary>
internal sealed class NodeTable
{
    private readonly NodeModel?[] _byNumber;
    private Dictionary<string, NodeModel>? _byName;

    /// <param name="statementCount">The number of statements in the file: no file declares more nodes than that.</param>
    public NodeTable(int statementCount)
    {
        // Room for every number up to the statement count (FlowZap numbers n1..nN, N at most the statements) and
        // a little more; an id such as n999999 in a small file goes to the dictionary rather than sizing the array.
        _byNumber = new NodeModel?[Math.Min((long)statementCount + 64, int.MaxValue - 64)];
    }

    /// <summary>Adds a node unless its id is taken; the first declaration wins.</summary>
    public bool TryAdd(NodeModel node)
    {
        if (TryParseNumber(node.Id, out int number) && number < _byNumber.Length)
        {
            if (_byNumber[number] is not null)
            {
                return false;
            }

            _byNumber[number] = node;
            return true;
        }

        return (_byName ??= new Dictionary<string, NodeModel>(StringComparer.Ordinal)).TryAdd(node.Id, node);
    }

    /// <summary>The node with this id, or null.</summary>
    public NodeModel? Find(string id) =>
        TryParseNumber(id, out int number) && number < _byNumber.Length
            ? _byNumber[number]
            : _byName?.GetValueOrDefault(id);

    /// <summary>True for ids of the form n1, n2, ... (no leading zero), with their number.</summary>
    /// <summary>
    /// The first <paramref name="limit"/> numbers missing from 1 up to the highest number of an id <c>nN</c>, in
    /// order, and how many are missing in all; none when the numbered ids run without gaps (or there are none).
    /// Reads the array in order rather than re-reading every id, and never counts up to a huge number one by one
    /// (an id such as n2147483647 in a small file).
    /// </summary>
    public List<int> MissingNumbers(int limit, out long missingCount)
    {
        int max = 0;
        long count = 0;
        for (int i = 1; i < _byNumber.Length; i++)
        {
            if (_byNumber[i] is not null)
            {
                max = i;
                count++;
            }
        }

        HashSet<int>? large = null; // numbers past the array, kept in the dictionary
        foreach (string id in _byName?.Keys ?? Enumerable.Empty<string>())
        {
            if (TryParseNumber(id, out int number))
            {
                (large ??= []).Add(number);
                max = Math.Max(max, number);
                count++;
            }
        }

        missingCount = max - count;
        var missing = new List<int>();
        for (long n = 1; n <= max && missing.Count < limit && missing.Count < missingCount; n++)
        {
            bool present = n < _byNumber.Length ? _byNumber[n] is not null : large!.Contains((int)n);
            if (!present)
            {
                missing.Add((int)n);
            }
        }

        return missing;
    }

    /// <summary>The number of an id <c>nN</c> (no sign, no leading zero, within int), as FlowZap numbers nodes.</summary>
    public static bool TryParseNumber(string id, out int number) => TryParseNumber(id.AsSpan(), out number);

    /// <inheritdoc cref="TryParseNumber(string, out int)"/>
    public static bool TryParseNumber(ReadOnlySpan<char> id, out int number)
    {
        number = 0;
        if (id.Length < 2 || id.Length > 11 || id[0] != 'n' || id[1] == '0')
        {
            return false;
        }

        long value = 0;
        for (int i = 1; i < id.Length; i++)
        {
            uint digit = (uint)(id[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        if (value > int.MaxValue)
        {
            return false;
        }

        number = (int)value;
        return true;
    }
}
