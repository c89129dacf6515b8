using FlowRunner.Language;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Cli.Output;

/// <summary>Compiler-style text: each diagnostic with its source line and hint, then a closing count.</summary>
internal static class TextReportWriter
{
    public static void Write(DiagnosticReport report, TextWriter writer)
    {
        foreach ((string path, FlowAnalysis analysis) in report.Files)
        {
            foreach (Diagnostic diagnostic in analysis.Diagnostics)
            {
                writer.Write(DiagnosticFormatter.Format(diagnostic, analysis.Source, path));
            }
        }

        writer.WriteLine(DiagnosticFormatter.Summary(report.Errors, report.Warnings, report.Infos, report.Files.Count));
    }
}
