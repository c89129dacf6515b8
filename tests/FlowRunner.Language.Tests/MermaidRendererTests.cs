using System.Text.RegularExpressions;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Rendering;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

public sealed partial class MermaidRendererTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(RepoPaths.Flows, "*.flow", SearchOption.AllDirectories).Concat(RepoPaths.CorpusFiles()).Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_lane_is_one_subgraph_every_node_is_declared_once_and_every_edge_drawn(string file)
    {
        FlowGraph graph = FlowAnalysis.Analyze(File.ReadAllText(file), file).Graph;
        string chart = MermaidRenderer.From(graph);
        string[] lines = chart.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("flowchart TB", lines[0]); // lanes stacked, as in the SVG
        Assert.Equal([.. Enumerable.Range(0, Math.Max(0, graph.Lanes.Length - 1)).Select(i => $"  lane{i} ~~~ lane{i + 1}")], lines.Where(l => l.Contains(" ~~~ ", StringComparison.Ordinal)));
        Assert.Equal(graph.Lanes.Length, lines.Count(l => l.TrimStart().StartsWith("subgraph ", StringComparison.Ordinal)));
        Assert.Equal(graph.Lanes.Length, lines.Count(l => l.Trim() == "end"));
        string[] declared = [.. lines.Select(l => Declaration().Match(l)).Where(m => m.Success).Select(m => m.Groups["id"].Value)];
        Assert.Equal(graph.Nodes.Select(n => n.Id).Distinct(StringComparer.Ordinal).Count(), declared.Length);
        Assert.Equal(declared.Length, declared.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(graph.Edges.Length, lines.Count(l => l.Contains(" --> ", StringComparison.Ordinal) || l.Contains(" -->|", StringComparison.Ordinal)));
        Assert.Equal(graph.Loops.Length, lines.Count(l => l.TrimStart().StartsWith("%% loop [", StringComparison.Ordinal)));
    }

    [Fact]
    public void Nodes_sit_in_their_lane_with_their_shape_and_edges_keep_their_labels()
    {
        FlowGraph graph = FlowAnalysis.Analyze(File.ReadAllText(Path.Combine(RepoPaths.Flows, "auth", "login.flow"))).Graph;
        string chart = MermaidRenderer.From(graph);
        int authServer = chart.IndexOf("subgraph lane1[\"Auth Server\"]", StringComparison.Ordinal);
        int mfa = chart.IndexOf("subgraph lane2[\"Multi-Factor Auth\"]", StringComparison.Ordinal);
        Assert.InRange(chart.IndexOf("n9{\"User exists?\"}", StringComparison.Ordinal), authServer, mfa);
        Assert.Contains("n1((\"Start\"))", chart, StringComparison.Ordinal);
        Assert.Contains("n9 -->|\"No\"| n11", chart, StringComparison.Ordinal);
        Assert.Contains("n3 -->|\"Login request\"| n7", chart, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_escaped_and_ids_Mermaid_reserves_are_renamed()
    {
        const string source = """
            A { # Lane "one" <a>
              end: circle label:"Start"
              n2: taskbox label:"Check #1 | Say \"hi\" | x<y"
              n3: circle label:"End"
              end.handle(right) -> n2.handle(left) [label="a \"b\""]
              n2.handle(right) -> n3.handle(left)
            }
            """;
        string chart = MermaidRenderer.From(FlowAnalysis.Analyze(source).Graph);
        Assert.Contains("node_0((\"Start\"))", chart, StringComparison.Ordinal);
        Assert.Contains("n2[[\"Check #35;1<br/>Say #quot;hi#quot;<br/>x#lt;y\"]]", chart, StringComparison.Ordinal);
        Assert.Contains("node_0 -->|\"a #quot;b#quot;\"| n2", chart, StringComparison.Ordinal);
        Assert.DoesNotContain(" end(", chart, StringComparison.Ordinal);
    }

    [GeneratedRegex("""^\s*(?<id>[A-Za-z_][A-Za-z0-9_]*)(\(\(|\[\[|\[|\{)""")]
    private static partial Regex Declaration();
}
