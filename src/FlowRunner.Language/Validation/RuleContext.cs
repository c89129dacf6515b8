using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Validation;

/// <summary>What a rule sees (the tree and the model) and where it reports.</summary>
public sealed class RuleContext(FlowDocument document, FlowModel model)
{
    private readonly ImmutableArray<Diagnostic>.Builder _diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();

    /// <summary>The syntax tree.</summary>
    public FlowDocument Document { get; } = document;

    /// <summary>The resolved model.</summary>
    public FlowModel Model { get; } = model;

    /// <summary>The source text.</summary>
    public SourceText Source => Document.Source;

    /// <summary>The diagnostics reported so far.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => _diagnostics.ToImmutable();

    /// <summary>Reports a diagnostic at a span.</summary>
    public void Report(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] arguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, new SourceSpan(Source.Path, span.Start, span.Length), hint, arguments));

    /// <summary>The 1-based line of an offset, for messages such as "declared on line 3".</summary>
    public int LineOf(int offset) => Source.GetLinePosition(offset).Line + 1;

    /// <summary>The lane each statement is written in (null at top level), in source order.</summary>
    public IEnumerable<(StatementSyntax Statement, LaneSyntax? Lane)> StatementsWithLane()
    {
        foreach (StatementSyntax statement in Document.Statements)
        {
            if (statement is LaneSyntax lane)
            {
                foreach (StatementSyntax member in lane.Members)
                {
                    yield return (member, lane);
                }
            }
            else
            {
                yield return (statement, null);
            }
        }
    }
}
