using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Hosting;

/// <summary>A configuration file (routes.json) with errors: FlowRunner refuses to serve it. The diagnostics say where and how to fix.</summary>
public sealed class FlowRunnerConfigurationException(SourceText source, ImmutableArray<Diagnostic> diagnostics)
    : Exception($"{source.Path} has errors: " + string.Join("; ", diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => DiagnosticFormatter.Header(d, source))))
{
    /// <summary>The file's text.</summary>
    public SourceText File { get; } = source;

    /// <summary>Every diagnostic found in it.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; } = diagnostics;
}
