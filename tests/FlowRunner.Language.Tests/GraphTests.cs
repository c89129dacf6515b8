using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Tests;

/// <summary>Binding: node lookup by any kind of id, the first declaration winning, and ids with huge numbers.</summary>
public sealed class GraphTests
{
    [Fact]
    public void Every_kind_of_id_is_found_and_the_first_declaration_wins()
    {
        // Numbered, zero, leading-zero, large, past-int and named ids; n1 and "check" are declared twice.
        const string Source = "L { # L\n"
            + "  n1: circle label:\"first\"\n  n3: rectangle label:\"three\"\n  n0: rectangle label:\"zero\"\n"
            + "  n01: rectangle label:\"leading zero\"\n  n999999: rectangle label:\"big\"\n  n99999999999: rectangle label:\"huge\"\n"
            + "  check: diamond label:\"named\"\n  n1: rectangle label:\"second\"\n  check: rectangle label:\"again\"\n"
            + "  n1.handle(right) -> n999999.handle(left)\n  n999999.handle(right) -> check.handle(left)\n}\n";
        FlowGraph graph = FlowAnalysis.Analyze(Source, "ids.flow").Graph;

        Assert.Equal("first", graph.FindNode("n1")!.Label);
        Assert.Equal("three", graph.FindNode("n3")!.Label);
        Assert.Equal("zero", graph.FindNode("n0")!.Label);
        Assert.Equal("leading zero", graph.FindNode("n01")!.Label);
        Assert.Equal("big", graph.FindNode("n999999")!.Label);
        Assert.Equal("huge", graph.FindNode("n99999999999")!.Label);
        Assert.Equal("named", graph.FindNode("check")!.Label);
        Assert.Null(graph.FindNode("n2"));
        Assert.Null(graph.FindNode("n1000000"));
        Assert.Null(graph.FindNode("Check"));
        Assert.Equal(7, graph.Nodes.Length);
        Assert.Equal(["n1->n999999", "n999999->check"], graph.Edges.Select(e => e.From + "->" + e.To));
        Assert.Equal(["n999999"], graph.FindNode("n1")!.Outgoing.Select(e => e.To));
        Assert.Equal(["n999999"], graph.FindNode("check")!.Incoming.Select(e => e.From));
    }

    [Fact]
    public void Gaps_in_numbered_ids_are_counted_without_walking_up_to_a_huge_number()
    {
        // n2147483647 is the largest id that is still a number: the gap report names the first five missing and
        // counts the rest, instead of listing (and allocating) two billion numbers.
        const string Source = "L { # L\n  n1: circle label:\"Start\"\n  n2147483647: circle label:\"End\"\n"
            + "  n1.handle(right) -> n2147483647.handle(left)\n}\n";
        Diagnostics.Diagnostic gap = Assert.Single(FlowAnalysis.Analyze(Source, "gap.flow").Diagnostics, d => d.Id == "FZ3007");
        Assert.Contains("n2, n3, n4, n5, n6 and 2147483640 more", gap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_node_number_in_a_small_file_allocates_little()
    {
        // Nothing is sized by the largest number named (a 120-byte file naming n16777215 once allocated 134 MB).
        const string Source = "L { # L\n  n1: circle label:\"Start\"\n  n16777215: circle label:\"End\"\n"
            + "  n1.handle(right) -> n16777215.handle(left)\n}\n";
        FlowAnalysis.Analyze(Source, "warm.flow");
        long before = GC.GetAllocatedBytesForCurrentThread();
        FlowAnalysis analysis = FlowAnalysis.Analyze(Source, "huge.flow");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("n16777215", Assert.Single(analysis.Graph.Edges).To);
        Assert.True(allocated < 1_000_000, $"analysing a 120-byte file allocated {allocated:N0} bytes");
    }
}
