using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Engine.Binding;

/// <summary>The bound flow and the FZ2xxx diagnostics found while binding it.</summary>
internal sealed record BindResult(BoundFlow Flow, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when a binding diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
