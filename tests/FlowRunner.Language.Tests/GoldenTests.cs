using System.Text;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Tests.Support;

namespace FlowRunner.Language.Tests;

/// <summary>
/// Golden files (Scriban TestFiles): each <c>Golden/**/X.flow</c> has <c>X.out.txt</c> with its diagnostics as
/// <c>flowrunner validate</c> prints them, then a dump of every statement's span. Set
/// <c>FLOWRUNNER_UPDATE_GOLDEN=1</c> to rewrite the expected files, then review the change in git.
/// </summary>
public sealed class GoldenTests
{
    // FZ0008 needs a file over 32 Mi characters: a golden file that size would bloat the repository,
    // so ParserTests.FileTooLarge_IsReportedWithoutParsing covers it instead. FZ2xxx come from binding
    // nodes to handlers, which needs the engine's registry: FlowRunner.Engine.Tests has their golden files; FZ2007-FZ2010
    // are about routes files, checked by the host: FlowRunner.Cli.Tests/Golden/routes has theirs.
    private static readonly string[] CoveredElsewhere = ["FZ0008", "FZ2001", "FZ2002", "FZ2003", "FZ2004", "FZ2005", "FZ2006", "FZ2007", "FZ2008", "FZ2009", "FZ2010", "FZ2011"];

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(GoldenFiles.Folder, "*.flow", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(GoldenFiles.Folder, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Golden_output_matches(string relativePath)
    {
        string input = Path.Combine(GoldenFiles.Folder, relativePath);
        string expectedPath = Path.ChangeExtension(input, ".out.txt");
        string actual = Render(input);
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"missing {expectedPath}; run with FLOWRUNNER_UPDATE_GOLDEN=1 and review");
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Every_diagnostic_id_has_a_golden_file_that_reports_it()
    {
        var missing = new List<string>();
        string[] outputs = [.. Directory.EnumerateFiles(GoldenFiles.Folder, "*.out.txt", SearchOption.AllDirectories).Select(File.ReadAllText)];
        foreach (DiagnosticDescriptor descriptor in Descriptors.All)
        {
            if (CoveredElsewhere.Contains(descriptor.Id))
            {
                continue;
            }

            bool hasFile = Directory.EnumerateFiles(GoldenFiles.Folder, descriptor.Id + "-*.flow", SearchOption.AllDirectories).Any();
            bool reported = outputs.Any(o => o.Contains($" {descriptor.Id}: ", StringComparison.Ordinal));
            if (!hasFile || !reported)
            {
                missing.Add(descriptor.Id);
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Each_rule_golden_file_reports_its_own_id()
    {
        foreach (string file in Directory.EnumerateFiles(GoldenFiles.Folder, "FZ*.flow", SearchOption.AllDirectories))
        {
            string id = Path.GetFileName(file)[..6];
            FlowAnalysis analysis = FlowAnalysis.Analyze(File.ReadAllText(file), Path.GetFileName(file));
            Assert.Contains(analysis.Diagnostics, d => d.Id == id);
        }
    }

    [Fact]
    public void Valid_golden_files_have_no_diagnostics()
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(GoldenFiles.Folder, "4-valid"), "*.flow"))
        {
            FlowAnalysis analysis = FlowAnalysis.Analyze(File.ReadAllText(file), Path.GetFileName(file));
            Assert.Empty(analysis.Diagnostics);
        }
    }

    private static string Render(string path)
    {
        string name = Path.GetFileName(path);
        FlowAnalysis analysis = FlowAnalysis.Analyze(File.ReadAllText(path, Encoding.UTF8), name);
        var builder = new StringBuilder();
        foreach (Diagnostic diagnostic in analysis.Diagnostics)
        {
            builder.Append(DiagnosticFormatter.Format(diagnostic, analysis.Source));
        }

        int Count(DiagnosticSeverity s) => analysis.Diagnostics.Count(d => d.Severity == s);
        builder.Append(DiagnosticFormatter.Summary(Count(DiagnosticSeverity.Error), Count(DiagnosticSeverity.Warning), Count(DiagnosticSeverity.Info), 1)).Append('\n');
        builder.Append("--- spans ---\n").Append(SpanDump.Dump(analysis.Document));
        return builder.ToString();
    }
}
