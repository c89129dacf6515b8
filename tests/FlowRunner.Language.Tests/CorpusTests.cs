using FlowRunner.Language.Diagnostics;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>Every real FlowZap file parses with zero errors, except the one SOURCES.md marks invalid.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in RepoPaths.CorpusFiles())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>The files whose SOURCES.md row says INVALID.</summary>
    internal static HashSet<string> InvalidFiles() =>
        [.. File.ReadAllLines(Path.Combine(RepoPaths.Corpus, "SOURCES.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal) && line.Contains("INVALID", StringComparison.Ordinal))
            .Select(line => line.Split('`')[1])];

    [Fact]
    public void Corpus_is_present_and_names_one_invalid_file()
    {
        Assert.Equal(43, RepoPaths.CorpusFiles().Count());
        Assert.Equal(["flowzap-mcp-readme-v1.0.2-invalid-named-ids.fz"], InvalidFiles());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_file_has_errors_only_when_marked_invalid(string name)
    {
        string path = Path.Combine(RepoPaths.Corpus, name);
        FlowAnalysis analysis = FlowAnalysis.Analyze(File.ReadAllText(path), name);
        Diagnostic[] errors = [.. analysis.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
        if (InvalidFiles().Contains(name))
        {
            Assert.NotEmpty(errors);
        }
        else
        {
            Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => DiagnosticFormatter.Header(e, analysis.Source))));
            Assert.NotEmpty(analysis.Graph.Nodes);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_file_keeps_every_node_and_edge_line(string name)
    {
        // Nothing is silently dropped: every non-blank line becomes a statement (or a lane's label or brace).
        string text = File.ReadAllText(Path.Combine(RepoPaths.Corpus, name));
        FlowAnalysis analysis = FlowAnalysis.Analyze(text, name);
        int nodeLines = text.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*\w+:\s*\w+"));
        int edgeLines = text.Split('\n').Count(l => l.Contains("->", StringComparison.Ordinal));
        Assert.Equal(nodeLines, analysis.Document.DescendantStatements().Count(s => s is Syntax.NodeSyntax));
        Assert.Equal(edgeLines, analysis.Document.DescendantStatements().Count(s => s is Syntax.EdgeSyntax));
    }
}
