using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>What a rule sees (the graph and its syntax) and where it reports.</summary>
internal sealed class RuleContext(FlowGraph graph)
{
    private readonly ImmutableArray<Diagnostic>.Builder _diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();

    public FlowGraph Graph => graph;

    public FlowDocument Document => graph.Syntax;

    public ImmutableArray<Diagnostic> Diagnostics => _diagnostics.ToImmutable();

    /// <summary>Reports a diagnostic at a span of the flow's source.</summary>
    public void Report(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] arguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, new SourceSpan(graph.Source.Path, span.Start, span.Length), hint, arguments));
}
