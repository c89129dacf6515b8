using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Output;

/// <summary>Compiler-style text: each diagnostic with its source line and hint, then a closing count.</summary>
internal static class TextReportWriter
{
    public static void Write(DiagnosticReport report, TextWriter writer)
    {
        foreach ((string path, SourceText source, ImmutableArray<Diagnostic> diagnostics) in report.Files)
        {
            foreach (Diagnostic diagnostic in diagnostics)
            {
                writer.Write(DiagnosticFormatter.Format(diagnostic, source, path));
            }
        }

        writer.WriteLine(DiagnosticFormatter.Summary(report.Errors, report.Warnings, report.Infos, report.Files.Count));
    }
}
