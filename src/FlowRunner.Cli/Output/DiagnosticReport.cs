using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Output;

/// <summary>The validated files of one run, with counts.</summary>
internal sealed class DiagnosticReport
{
    public List<(string DisplayPath, SourceText Source, ImmutableArray<Diagnostic> Diagnostics)> Files { get; } = [];

    public int Errors => Count(DiagnosticSeverity.Error);

    public int Warnings => Count(DiagnosticSeverity.Warning);

    public int Infos => Count(DiagnosticSeverity.Info);

    private int Count(DiagnosticSeverity severity) => Files.Sum(f => f.Diagnostics.Count(d => d.Severity == severity));
}
