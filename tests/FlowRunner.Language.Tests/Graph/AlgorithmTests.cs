using FlowRunner.Language.Graph.Algorithms;

namespace FlowRunner.Language.Tests.Graph;

/// <summary>The graph algorithms every stage shares (reachability, components, layering), on small numbered graphs.</summary>
public sealed class AlgorithmTests
{
    // 0 -> 1 -> 2 -> 1 (a cycle), 2 -> 3; 4 -> 3; 5 alone.
    private static readonly Digraph Sample = new(6, [(0, 1), (1, 2), (2, 1), (2, 3), (4, 3)]);

    [Fact]
    public void Reach_follows_edges_forwards_or_backwards_and_includes_the_starts()
    {
        Assert.Equal([true, true, true, true, false, false], GraphSearch.Reach(Sample, [0]));
        Assert.Equal([true, true, true, true, true, false], GraphSearch.Reach(Sample, [3], backwards: true));
        Assert.Equal([false, false, false, false, false, true], GraphSearch.Reach(Sample, [5]));
        Assert.Equal(new bool[6], GraphSearch.Reach(Sample, []));
    }

    [Fact]
    public void Strongly_connected_components_group_each_cycle_and_close_sinks_first()
    {
        int[] component = StronglyConnectedComponents.Of(Sample, out int count);
        Assert.Equal(5, count); // {1, 2}, and 0, 3, 4, 5 alone
        Assert.Equal(component[1], component[2]);
        Assert.Equal(6 - 1, component.Distinct().Count());
        Assert.True(component[3] < component[1], "a component is closed before the components that reach it");
        Assert.True(component[1] < component[0]);
    }

    [Fact]
    public void A_self_loop_is_its_own_component_and_a_back_edge()
    {
        var graph = new Digraph(2, [(0, 1), (1, 1)]);
        Assert.Equal(2, StronglyConnectedComponents.Of(graph, out int count).Distinct().Count());
        Assert.Equal(2, count);
        Assert.Equal([false, true], Layering.BackEdges(graph, [0]));
    }

    [Fact]
    public void Back_edges_are_the_ones_that_close_a_cycle_seen_from_the_roots()
    {
        Assert.Equal([false, false, true, false, false], Layering.BackEdges(Sample, [0]));

        // From 1 instead, the edge 1 -> 2 is on the path when 2 -> 1 is seen: still 2 -> 1 closes the cycle.
        Assert.Equal([false, false, true, false, false], Layering.BackEdges(Sample, [1]));

        // Starting inside the cycle at 2, 1 -> 2 closes it.
        Assert.Equal([false, true, false, false, false], Layering.BackEdges(Sample, [2]));
    }

    [Fact]
    public void Columns_are_the_longest_path_ignoring_edges_that_close_a_cycle()
    {
        // A diamond with a long side: 0 -> 1 -> 2 -> 4 and 0 -> 3 -> 4; 4 -> 0 closes a cycle.
        var graph = new Digraph(5, [(0, 1), (1, 2), (2, 4), (0, 3), (3, 4), (4, 0)]);
        Assert.Equal([0, 1, 2, 1, 3], Layering.Columns(graph, [0]));
        Assert.Equal([0, 1, 2, 3, 0, 0], Layering.Columns(Sample, [0]));
    }

    [Fact]
    public void Deep_graphs_do_not_overflow_the_stack()
    {
        const int n = 200_000;
        var chain = new Digraph(n, Enumerable.Range(0, n).Select(i => (i, (i + 1) % n))); // one cycle through every node
        Assert.All(GraphSearch.Reach(chain, [0]), Assert.True);
        Assert.Single(StronglyConnectedComponents.Of(chain, out int count).Distinct());
        Assert.Equal(1, count);
        Assert.Equal(1, Layering.BackEdges(chain, [0]).Count(b => b));
        Assert.Equal(n - 1, Layering.Columns(chain, [0]).Max());
    }
}
