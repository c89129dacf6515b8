using System.Text;
using FlowRunner.Language.Rendering;
using FlowRunner.Language.Tests.Support;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>
/// Pictures that read right (issue 15), checked on the SVG itself over every shipped flow, corpus file and golden:
/// no edge through a node other than its ends, no edge on top of an unrelated one, every label on its own edge and
/// on nothing else. Until every file has none, Golden/svg/geometry.txt records each file's defects and crossings
/// and the test fails when any file gets worse (FLOWRUNNER_UPDATE_GOLDEN=1 records an improvement).
/// </summary>
public sealed class SvgGeometryTests
{
    [Fact]
    public void No_picture_gets_worse_than_the_recorded_geometry()
    {
        var report = new StringBuilder();
        int defects = 0, crossings = 0, files = 0, failing = 0;
        foreach (string file in GeometryFiles())
        {
            string svg = SvgRenderer.Render(FlowAnalysis.Analyze(File.ReadAllText(file), file).Graph, Path.GetFileName(file));
            (List<string> found, int crossed) = SvgGeometry.Read(svg).Check();
            report.Append(Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/').Replace("../shared/", "shared/", StringComparison.Ordinal))
                .Append(": ").Append(found.Count).Append(" defects, ").Append(crossed).Append(" crossings\n");
            defects += found.Count;
            crossings += crossed;
            files++;
            failing += found.Count > 0 ? 1 : 0;
        }

        report.Append($"total: {defects} defects in {failing} of {files} files, {crossings} crossings\n");
        string recorded = Path.Combine(GoldenFiles.Folder, "svg", "geometry.txt");
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(recorded, report.ToString());
        }

        Dictionary<string, (int Defects, int Crossings)> before = Parse(File.ReadAllText(recorded));
        string[] worse = [.. Parse(report.ToString()).Where(f => !before.TryGetValue(f.Key, out var b) || f.Value.Defects > b.Defects)
            .Select(f => $"{f.Key}: {f.Value.Defects} defects (recorded {before.GetValueOrDefault(f.Key).Defects})")];
        Assert.True(worse.Length == 0, "pictures got worse:\n" + string.Join('\n', worse));
        Console.WriteLine(report.ToString().Split('\n')[^2]);
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

    private static Dictionary<string, (int Defects, int Crossings)> Parse(string report) =>
        report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("total:", StringComparison.Ordinal))
            .Select(l => l.Split(": "))
            .ToDictionary(p => p[0], p => (int.Parse(p[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[1].Split(", ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)), StringComparer.Ordinal);
}
