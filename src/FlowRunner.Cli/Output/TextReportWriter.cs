using System.Collections.Immutable;
using System.Globalization;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Output;

/// <summary>
/// Compiler-style text: each error and warning with its source line and hint, infos counted per id in one line
/// (a plain FlowZap drawing has one per node, and they would drown the warnings) unless <c>detailed</c> lists them,
/// then a closing count.
/// </summary>
internal static class TextReportWriter
{
    public static void Write(DiagnosticReport report, TextWriter writer, bool detailed)
    {
        foreach ((string path, SourceText source, ImmutableArray<Diagnostic> diagnostics) in report.Files)
        {
            foreach (Diagnostic diagnostic in diagnostics.Where(d => detailed || d.Severity != DiagnosticSeverity.Info))
            {
                writer.Write(DiagnosticFormatter.Format(diagnostic, source, path));
            }
        }

        if (!detailed && InfoSummary(report) is { } infos)
        {
            writer.WriteLine(infos);
        }

        writer.WriteLine(DiagnosticFormatter.Summary(report.Errors, report.Warnings, report.Infos, report.Files.Count));
    }

    // "12 infos: FZ2001 unbound node ×10, FZ3001 ... ×2; --verbosity detailed lists them", or null without infos.
    private static string? InfoSummary(DiagnosticReport report)
    {
        var byId = report.Files.SelectMany(f => f.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Info)
            .GroupBy(d => d.Id, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {Descriptors.Find(g.Key)?.Title.ToLowerInvariant()} \u00d7{g.Count()}").ToList();
        int total = report.Infos;
        return total == 0 ? null
            : string.Create(CultureInfo.InvariantCulture, $"{total} info{(total == 1 ? string.Empty : "s")}: {string.Join(", ", byId)}; --verbosity detailed lists {(total == 1 ? "it" : "them")}");
    }
}
