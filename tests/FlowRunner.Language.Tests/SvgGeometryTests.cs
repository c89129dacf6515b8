using System.Text;
using FlowRunner.Language.Rendering;
using FlowRunner.Language.Tests.Support;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>
/// Pictures that read right (issue 15), checked on the SVG itself over every shipped flow, corpus file and valid golden:
/// no edge through a node other than its ends, no edge on top of an unrelated one, every label on its own edge and on
/// nothing else. The crossing count is printed (and the total kept in Golden/svg/geometry.txt, so a change shows).
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
            report.Append(name).Append(": ").Append(crossed).Append(" crossings\n");
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
