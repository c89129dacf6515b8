using System.Globalization;

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
        // Room for every number up to twice the statements: any sensible numbering fits, an id such as n999999
        // in a small file goes to the dictionary rather than sizing the array.
        _byNumber = new NodeModel?[Math.Min(2 * (long)statementCount + 64, int.MaxValue - 64)];
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
    public static bool TryParseNumber(string id, out int number)
    {
        number = 0;
        return id.Length >= 2 && id[0] == 'n' && id[1] != '0' && id.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
