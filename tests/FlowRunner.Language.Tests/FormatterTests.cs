using FlowRunner.Language.Export;
using FlowRunner.Language.Formatting;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Syntax;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

public sealed class FormatterTests
{
    [Theory]
    [MemberData(nameof(CorpusTests.Files), MemberType = typeof(CorpusTests))]
    public void Formatting_is_idempotent_and_keeps_the_graph_and_comments(string name)
    {
        string text = File.ReadAllText(Path.Combine(RepoPaths.Corpus, name));
        ParseResult original = FlowParser.Parse(text, name);
        string? once = FlowFormatter.Format(original);
        Assert.NotNull(once);
        ParseResult reparsed = FlowParser.Parse(once, name);
        Assert.False(reparsed.HasErrors);
        Assert.Equal(once, FlowFormatter.Format(reparsed));

        FlowAnalysis before = FlowAnalysis.Analyze(text, name);
        FlowAnalysis after = FlowAnalysis.Analyze(once, name);
        Assert.Equal(Graph(before), Graph(after));
        Assert.Equal(Comments(before.Document), Comments(after.Document));
    }

    [Fact]
    public void Formatter_fixes_the_mechanical_deviations()
    {
        const string input = "sales {\n  # Sales Team\nn1:   circle   label=\"Start\"\n\n\n  n2: rectangle label:\"Go\"  // keep me\nn1.handle(RIGHT)->n2.handle(left) [label:\"Next\"]\n}\nother { # Other }\n";
        string? output = FlowFormatter.Format(FlowParser.Parse(input));
        Assert.Equal(
            "sales { # Sales Team\n  n1: circle label:\"Start\"\n\n  n2: rectangle label:\"Go\" // keep me\n  n1.handle(right) -> n2.handle(left) [label=\"Next\"]\n}\n\nother { # Other\n}\n",
            output);
    }

    [Fact]
    public void Formatter_keeps_crlf_line_endings()
    {
        string? output = FlowFormatter.Format(FlowParser.Parse("A { # A\r\nn1: circle label:\"x\"\r\n}\r\n"));
        Assert.Equal("A { # A\r\n  n1: circle label:\"x\"\r\n}\r\n", output);
    }

    [Fact]
    public void Formatter_refuses_files_with_syntax_errors()
    {
        Assert.Null(FlowFormatter.Format(FlowParser.Parse("A { # A\nn1 circle\n}\n")));
        Assert.Null(FlowFormatter.Format(FlowParser.Parse("A { # A\nn1: circle label:\"x\"\n")));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("say \"hi\"")]
    [InlineData(@"C:\path")]
    [InlineData(@"ends with \")]
    [InlineData(@"two \\ slashes")]
    public void Formatter_round_trips_label_text(string label)
    {
        string escaped = label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        string input = $"A {{ # A\n  n1: circle label:\"{escaped}\"\n}}\n";
        string? output = FlowFormatter.Format(FlowParser.Parse(input));
        Assert.NotNull(output);
        var node = (NodeSyntax)((LaneSyntax)FlowParser.Parse(output).Document.Statements[0]).Members[0];
        Assert.Equal(label, node.Attributes[0].Value.Value);
    }

    private static string Graph(FlowAnalysis analysis)
    {
        GraphExport export = GraphExport.From(analysis.Graph);
        // Lines move when formatting; compare everything else.
        return (export with
        {
            Lanes = [.. export.Lanes.Select(l => l with { Line = 0 })],
            Nodes = [.. export.Nodes.Select(n => n with { Line = 0 })],
            Edges = [.. export.Edges.Select(e => e with { Line = 0 })],
            Loops = [.. export.Loops.Select(l => l with { Line = 0 })],
        }).ToJson();
    }

    private static string[] Comments(FlowDocument document) =>
        [.. document.DescendantStatements()
            .SelectMany(s => s is CommentSyntax c ? [c] : s.TrailingComment is { } t ? [t] : Array.Empty<CommentSyntax>())
            .Select(c => c.Kind + c.Text.TrimEnd())];
}
