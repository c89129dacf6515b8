using FlowRunner.Language.Binding;
using FlowRunner.Language.Checking;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Parsing;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>Parse, bind and check are separate pure functions: each can be called on its own and reports only its own kind of problem.</summary>
public sealed class StageTests
{
    private const string Flow =
        "A { # A\n  n1: circle label:\"Start\"\n  n2: rectangel label:\"Do\"\n  n1 -> n9\n  n1.handle(right) -> B.n3.handle(left)\n}\n"
        + "B { # B\n  n3: circle label:\"End\"\n  n4: circle label:\"Orphan\" // note\n  n5 circle\n}\n";

    [Fact]
    public void Parse_reports_syntax_errors_only_and_keeps_every_line_it_could_read()
    {
        ParseResult parsed = FlowParser.Parse(Flow, "f.flow");
        Assert.Equal(["FZ0001"], parsed.Diagnostics.Select(d => d.Id).Distinct()); // "n5 circle": no colon
        Assert.True(parsed.Document.HasSyntaxErrors);
        Assert.Equal(["n1", "n2", "n3", "n4"], parsed.Document.StatementsWithLanes().Select(s => s.Statement).OfType<Syntax.NodeSyntax>().Select(n => n.Id.Text));
    }

    [Fact]
    public void Bind_reports_what_does_not_resolve_and_leaves_it_out_of_the_graph()
    {
        BindResult bound = FlowBinder.Bind(FlowParser.Parse(Flow, "f.flow").Document);
        Assert.Equal(["FZ1002"], bound.Diagnostics.Select(d => d.Id)); // n9 is not declared
        Assert.Equal(["n1", "n2", "n3", "n4"], bound.Graph.Nodes.Select(n => n.Id));
        Assert.Equal([("n1", "n3")], bound.Graph.Edges.Select(e => (e.From, e.To)));
        Assert.Equal("B", bound.Graph.FindNode("n3")!.Lane);
    }

    [Fact]
    public void Check_reports_lint_diagnostics_of_a_graph()
    {
        FlowGraph graph = FlowBinder.Bind(FlowParser.Parse(Flow.Replace("  n5 circle\n", string.Empty), "f.flow").Document).Graph;
        string[] ids = [.. FlowChecker.Check(graph).Select(d => d.Id).Distinct().Order(StringComparer.Ordinal)];
        Assert.Contains("FZ0003", ids); // unknown shape 'rectangel'
        Assert.Contains("FZ3011", ids); // a // comment
        Assert.DoesNotContain(ids, id => id.StartsWith("FZ0001", StringComparison.Ordinal) || id is "FZ1002");
    }

    [Fact]
    public void Analyze_is_the_three_stages_with_the_diagnostics_sorted()
    {
        var source = Text.SourceText.From(Flow, "f.flow");
        ParseResult parsed = FlowParser.Parse(source);
        BindResult bound = FlowBinder.Bind(parsed.Document);
        var stages = FlowAnalysis.Sort([.. parsed.Diagnostics, .. bound.Diagnostics, .. FlowChecker.Check(bound.Graph)]);
        Assert.Equal(stages.Select(Describe), FlowAnalysis.Analyze(source, Configuration.LintConfiguration.Default).Diagnostics.Select(Describe));
    }

    [Fact]
    public void Stages_give_the_same_answer_when_called_again()
    {
        foreach (string file in RepoPaths.CorpusFiles().Take(10))
        {
            string text = File.ReadAllText(file);
            Assert.Equal(FlowAnalysis.Analyze(text, file).Diagnostics.Select(Describe), FlowAnalysis.Analyze(text, file).Diagnostics.Select(Describe));
        }
    }

    private static string Describe(Diagnostic d) => $"{d.Location.Start}+{d.Location.Length} {d.Severity} {d.Id}: {d.Message} ({d.Hint})";
}
