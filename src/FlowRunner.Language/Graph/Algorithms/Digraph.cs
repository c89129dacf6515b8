namespace FlowRunner.Language.Graph.Algorithms;

/// <summary>A directed graph of numbered nodes and numbered edges (in the order given): what the algorithms walk.</summary>
internal sealed class Digraph
{
    private readonly List<(int Edge, int Node)>[] _out;
    private readonly List<(int Edge, int Node)>[] _in;

    public Digraph(int nodeCount, IEnumerable<(int From, int To)> edges)
    {
        _out = [.. Enumerable.Range(0, nodeCount).Select(_ => new List<(int, int)>())];
        _in = [.. Enumerable.Range(0, nodeCount).Select(_ => new List<(int, int)>())];
        int index = 0;
        foreach ((int from, int to) in edges)
        {
            _out[from].Add((index, to));
            _in[to].Add((index, from));
            index++;
        }

        EdgeCount = index;
    }

    public int NodeCount => _out.Length;

    public int EdgeCount { get; }

    /// <summary>The edges leaving a node, in order, with the node each leads to.</summary>
    public IReadOnlyList<(int Edge, int Node)> Out(int node) => _out[node];

    /// <summary>The edges entering a node, in order, with the node each comes from.</summary>
    public IReadOnlyList<(int Edge, int Node)> In(int node) => _in[node];
}
