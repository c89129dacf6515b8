using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Parsing;

/// <summary>The tree of a file and every syntax diagnostic found while reading it.</summary>
public sealed record ParseResult(FlowDocument Document, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
