using FlowRunner.Language;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Cli.Output;

/// <summary>The validated files of one run, with counts.</summary>
internal sealed class DiagnosticReport
{
    public List<(string DisplayPath, FlowAnalysis Analysis)> Files { get; } = [];

    public int Errors => Count(DiagnosticSeverity.Error);

    public int Warnings => Count(DiagnosticSeverity.Warning);

    public int Infos => Count(DiagnosticSeverity.Info);

    private int Count(DiagnosticSeverity severity) => Files.Sum(f => f.Analysis.Diagnostics.Count(d => d.Severity == severity));
}
