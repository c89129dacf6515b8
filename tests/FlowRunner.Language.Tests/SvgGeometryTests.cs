using System.Globalization;
using System.Text;
using System.Xml.Linq;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Rendering;
using FlowRunner.Language.Tests.Support;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>
/// Pictures that read right (issue 15), checked on the SVG itself over every shipped flow, corpus file and valid golden:
/// no edge through a node other than its ends, no edge on top of an unrelated one, every label on its own edge and on
/// nothing else. Crossings and sizes are kept in Golden/svg/geometry.txt, so a change shows.
/// </summary>
public sealed class SvgGeometryTests
{
    [Fact]
    public void No_edge_runs_through_a_node_or_on_another_edge_and_every_label_is_on_its_own_edge()
    {
        var defects = new List<string>();
        var report = new StringBuilder();
        int crossings = 0, files = 0;
        // By the name shown, so the report's order does not depend on where the clone and shared/ sit.
        foreach ((string file, string name) in GeometryFiles()
            .Select(f => (f, Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/').Replace("../shared/", "shared/", StringComparison.Ordinal)))
            .OrderBy(f => f.Item2, StringComparer.Ordinal))
        {
            string svg = SvgRenderer.Render(FlowAnalysis.Analyze(File.ReadAllText(file), file).Graph, Path.GetFileName(file));
            (List<string> found, int crossed) = SvgGeometry.Read(svg).Check();
            defects.AddRange(found.Select(d => $"{name}: {d}"));
            XElement root = XDocument.Parse(svg).Root!;
            report.Append(CultureInfo.InvariantCulture, $"{name}: {crossed} crossings, {(int)root.Attribute("width")!} x {(int)root.Attribute("height")!} px\n");
            crossings += crossed;
            files++;
        }

        report.Append($"total: {crossings} crossings in {files} files\n");
        string recorded = Path.Combine(GoldenFiles.Folder, "svg", "geometry.txt");
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(recorded, report.ToString());
        }

        Console.WriteLine(report.ToString().Split('\n')[^2]);
        Assert.True(defects.Count == 0, $"{defects.Count} defects:\n{string.Join('\n', defects)}");
        Assert.Equal(File.ReadAllText(recorded).ReplaceLineEndings("\n"), report.ToString());
    }

    [Fact]
    public void The_login_picture_is_about_half_as_wide_as_the_first_renderer_drew_it()
    {
        // The first renderer drew login.flow 3,550 px wide: a web page showed a third of it.
        string path = Path.Combine(RepoPaths.Flows, "auth", "login.flow");
        FlowGraph graph = FlowAnalysis.Analyze(File.ReadAllText(path), path).Graph;
        int width = (int)XDocument.Parse(SvgRenderer.Render(graph, "login")).Root!.Attribute("width")!;
        Assert.True(width <= 3550 * 0.6, $"login is {width} px wide");

        // Drawn straight down, a hand-off to another lane and a branch below its diamond keep their source's column.
        SvgLayout layout = SvgRenderer.Arrange(graph).Layout;
        int Column(string id) => layout.Columns[graph.FindNode(id)!.Index];
        Assert.Equal(Column("n3"), Column("n7"));
        Assert.Equal(Column("n9"), Column("n11"));
        Assert.Equal(Column("n13"), Column("n16"));
        Assert.True(layout.Nodes[graph.FindNode("n11")!.Index].Y > layout.Nodes[graph.FindNode("n9")!.Index].Bottom);
    }

    [Fact]
    public void Each_column_is_as_wide_as_its_widest_node_and_text_decides_a_node_s_width()
    {
        const string flow = """
            A { # A
              n1: rectangle label:"Go"
              n2: rectangle label:"A much longer label that wraps"
              n3: diamond label:"Ok?"
              n1.handle(right) -> n2.handle(left)
              n2.handle(right) -> n3.handle(left)
            }
            """;
        FlowGraph graph = FlowAnalysis.Analyze(flow, "widths.flow").Graph;
        SvgLayout layout = SvgLayout.Of(graph);
        Box go = layout.Nodes[0], longer = layout.Nodes[1], ok = layout.Nodes[2];
        Assert.True(go.Width < longer.Width, $"{go} should be narrower than {longer}");
        Assert.True(longer.Width <= SvgLayout.NodeWidth);
        Assert.Equal(SvgLayout.ColumnGap, longer.X - go.Right);
        Assert.Equal(SvgLayout.ColumnGap, ok.X - longer.Right);
        Assert.All(SvgLayout.TextLines(graph.Nodes[1]), line => Assert.True(line.Length * SvgLayout.CharWidth <= longer.Width - 16, line));
    }

    [Fact]
    public void The_checker_finds_an_edge_through_a_node_a_shared_line_and_a_label_on_a_node()
    {
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg">
            <g class="node rectangle" data-node="a"><rect class="shape" x="0" y="0" width="10" height="10"/></g>
            <g class="node rectangle" data-node="b"><rect class="shape" x="100" y="0" width="10" height="10"/></g>
            <g class="node rectangle" data-node="c"><rect class="shape" x="50" y="0" width="10" height="10"/></g>
            <g class="node rectangle" data-node="d"><rect class="shape" x="0" y="100" width="10" height="10"/></g>
            <g class="node rectangle" data-node="e"><rect class="shape" x="100" y="100" width="10" height="10"/></g>
            <g class="edge" data-from="a" data-to="b"><path d="M10,5L100,5"/><rect class="label-bg" x="50" y="0" width="10" height="10"/></g>
            <g class="edge" data-from="d" data-to="e"><path d="M10,105L30,105L30,5L80,5L80,105L100,105"/></g>
            </svg>
            """;
        (List<string> defects, int crossings) = SvgGeometry.Read(svg).Check();
        Assert.Contains("edge a->b runs through node c", defects);
        Assert.Contains("edges a->b and d->e share a line", defects);
        Assert.Contains("label of a->b lies on node c", defects);
        Assert.Contains("edge d->e runs through node c", defects);
        Assert.Equal(0, crossings);
    }

    private static IEnumerable<string> GeometryFiles() =>
        Directory.EnumerateFiles(RepoPaths.Flows, "*.flow", SearchOption.AllDirectories)
            .Concat(RepoPaths.CorpusFiles())
            .Concat(Directory.EnumerateFiles(GoldenFiles.Folder, "*.flow", SearchOption.AllDirectories).Where(f => f.Contains("4-valid", StringComparison.Ordinal)))
            .Where(f => !FlowAnalysis.Analyze(File.ReadAllText(f), f).Diagnostics.Any(d => d.Severity == Diagnostics.DiagnosticSeverity.Error))
            .Order(StringComparer.Ordinal);
}
