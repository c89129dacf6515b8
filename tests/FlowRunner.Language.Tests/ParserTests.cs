using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Tests;

/// <summary>Reference §1-§11 constructs, checked by id and span (not message text, which goldens cover).</summary>
public sealed class ParserTests
{
    [Theory]
    // source, expected id, expected 1-based line, column, length
    [InlineData("A { # A\n  n1: rectangel label:\"x\"\n}", "FZ0003", 2, 7, 9)]
    [InlineData("A { # A\n  n1: circle label:\"x\n}", "FZ0002", 2, 20, 2)]
    [InlineData("A { # A\nn1: circle label:\"a\"\nn2: circle label:\"b\"\nn1.handle(up) -> n2.handle(left)\n}", "FZ0004", 4, 11, 2)]
    [InlineData("A { # A\nn1: circle label:\"a\"\n", "FZ0005", 1, 1, 7)]
    [InlineData("}\n", "FZ0006", 1, 1, 1)]
    [InlineData("A { # A\nn1: circle label:\"a\"\nn2: circle label:\"b\"\nn1.handle(right) -> n2.hndle(left)\n}", "FZ0007", 4, 24, 5)]
    [InlineData("A { # A\nn1 = circle\n}", "FZ0001", 2, 4, 1)]
    [InlineData("A { # A\nn1: circle label:\"a\"\nn1: circle label:\"b\"\n}", "FZ1001", 3, 1, 2)]
    [InlineData("A { # A\nn1: circle label:\"a\"\nn1.handle(right) -> n7.handle(left)\n}", "FZ1002", 3, 21, 2)]
    [InlineData("A { # A\nn1: circle label:\"a\"\nn2: circle label:\"b\"\nn1.handle(right) -> Q.n2.handle(left)\n}", "FZ1003", 4, 21, 1)]
    public void Reports_id_at_span(string source, string id, int line, int column, int length)
    {
        FlowAnalysis analysis = FlowAnalysis.Analyze(source, "t.flow");
        Diagnostic diagnostic = Assert.Single(analysis.Diagnostics, d => d.Id == id);
        var position = analysis.Source.GetLinePosition(diagnostic.Location.Start);
        Assert.Equal((line, column, length), (position.Line + 1, position.Character + 1, diagnostic.Location.Length));
    }

    [Fact]
    public void Holds_each_word_of_a_file_once()
    {
        const string source = "A { # A\nn1: circle label:\"a\"\nn2: circle label:\"b\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> A.n1.handle(left)\n}";
        StatementSyntax[] statements = [.. FlowParser.Parse(source).Document.DescendantStatements()];
        NodeSyntax[] nodes = [.. statements.OfType<NodeSyntax>()];
        EdgeSyntax[] edges = [.. statements.OfType<EdgeSyntax>()];
        LaneSyntax lane = Assert.Single(statements.OfType<LaneSyntax>());

        // The same words, not equal copies: a node id, lane or direction read again is the string read first.
        Assert.Same(nodes[0].Id.Text, edges[0].Path[0].Node.Text);
        Assert.Same(nodes[1].Id.Text, edges[0].Path[1].Node.Text);
        Assert.Same(nodes[0].Id.Text, edges[1].Path[1].Node.Text);
        Assert.Same(lane.Id.Text, edges[1].Path[1].Lane!.Value.Text);
        Assert.Same(edges[0].Path[0].Handle!.Value.Direction.Text, edges[1].Path[0].Handle!.Value.Direction.Text);
        Assert.Same(edges[0].Path[0].Handle!.Value.Keyword.Text, edges[1].Path[1].Handle!.Value.Keyword.Text);
    }

    [Fact]
    public void Reports_every_bad_line_in_one_pass()
    {
        const string source = "A { # A\nn1 circle\nn2: circle label:\"x\"\n???\nn3 -> -> n2\n}";
        FlowAnalysis analysis = FlowAnalysis.Analyze(source);
        Assert.Equal([2, 4, 5], analysis.Diagnostics.Where(d => d.Id == "FZ0001").Select(d => analysis.Source.GetLinePosition(d.Location.Start).Line + 1));
        Assert.Contains(analysis.Document.DescendantStatements(), s => s is NodeSyntax { Id.Text: "n2" });
    }

    [Fact]
    public void Accepts_the_tolerated_forms_of_reference_section_10()
    {
        const string source = """
            sales {
              # Sales Team
              n1: circle label="Start"
              n2: rectangle label:"Say \"hi\""
              n1.handle(Right) -> n2.handle(left) [label:"Go"]
              n2 -> n3
              # a note
            }
            other { # Other
            n3: circle label:"End"
            }
            n2.handle(bottom) -> other.n3.handle(top)
            loop [retry up to 3 times] n1 n2
            """;
        FlowAnalysis analysis = FlowAnalysis.Analyze(source);
        Assert.False(analysis.HasErrors, string.Join("\n", analysis.Diagnostics));
        FlowGraph graph = analysis.Graph;
        Assert.Equal("Sales Team", graph.FindLane("sales")!.Label);
        Assert.Equal("Say \"hi\"", graph.FindNode("n2")!.Label);
        Assert.Equal(3, graph.Edges.Length);
        Assert.Equal("Go", graph.Edges[0].Label);
        Assert.Equal((HandleDirection.Bottom, HandleDirection.Top, true), (graph.Edges[1].FromHandle, graph.Edges[1].ToHandle, graph.Edges[1].HandlesInferred));
        Assert.Equal(new[] { "n1", "n2" }, graph.Loops.Single().Nodes.ToArray());
        Assert.Equal(
            ["FZ3001", "FZ3002", "FZ3003", "FZ3005", "FZ3005", "FZ3009", "FZ3009", "FZ3012", "FZ3013", "FZ3015", "FZ3017"],
            analysis.Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Any_line_ending_gives_the_same_tree(string newLine)
    {
        string source = string.Join(newLine, "A { # A", "  n1: circle label:\"a\"", "  n2: circle label:\"b\"", "  n1.handle(right) -> n2.handle(left)", "}", string.Empty);
        FlowAnalysis analysis = FlowAnalysis.Analyze(source);
        Assert.Empty(analysis.Diagnostics);
        Assert.Single(analysis.Graph.Edges);
        Assert.Equal(4, analysis.Source.GetLinePosition(analysis.Graph.Edges[0].Syntax.Span.Start).Line + 1);
    }

    [Fact]
    public void Byte_order_mark_and_empty_input_are_fine()
    {
        FlowAnalysis withBom = FlowAnalysis.Analyze("\uFEFFA { # A\nn1: circle label:\"a\"\n}");
        Assert.Empty(withBom.Diagnostics);
        Assert.Equal("A", withBom.Graph.Lanes.Single().Id);
        Assert.Equal(["FZ1017"], FlowAnalysis.Analyze(string.Empty).Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void Node_ids_may_be_declared_after_their_edges()
    {
        FlowAnalysis analysis = FlowAnalysis.Analyze("A { # A\nn1.handle(right) -> n2.handle(left)\nn1: circle label:\"a\"\nn2: circle label:\"b\"\n}");
        Assert.Empty(analysis.Diagnostics);
        Assert.Single(analysis.Graph.Edges);
    }

    [Fact]
    public void FileTooLarge_IsReportedWithoutParsing()
    {
        string huge = new('\n', FlowParser.MaxCharacters + 1);
        ParseResult result = FlowParser.Parse(huge, "huge.flow");
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("FZ0008", diagnostic.Id);
        Assert.Empty(result.Document.Statements);
    }

    [Fact]
    public void Deeply_nested_cycles_do_not_overflow_the_stack()
    {
        var builder = new System.Text.StringBuilder("A { # A\n");
        const int n = 50_000;
        for (int i = 1; i <= n; i++)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"n{i}: rectangle label:\"s\"\n");
        }

        for (int i = 1; i < n; i++)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"n{i}.handle(right) -> n{i + 1}.handle(left)\n");
        }

        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"n{n}.handle(top) -> n1.handle(top)\n}}\n");
        FlowAnalysis analysis = FlowAnalysis.Analyze(builder.ToString());
        Assert.Contains(analysis.Diagnostics, d => d.Id == "FZ1018");
    }
}
