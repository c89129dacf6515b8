using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Validation;

/// <summary>What a rule sees (the tree and the model) and where it reports.</summary>
/// <remarks>
/// While <see cref="FlowAnalysis"/> streams statements from the parser, the tree and the model are still being
/// built: statement rules look nodes and lanes up through <see cref="FindNode"/> and <see cref="FindLane"/>, and
/// <see cref="Document"/> and <see cref="Model"/> exist from the whole-graph stage on.
/// </remarks>
public sealed class RuleContext
{
    private readonly ImmutableArray<Diagnostic>.Builder _diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
    private IModelLookup _lookup;
    private FlowDocument? _document;
    private FlowModel? _model;

    /// <summary>A context over a finished tree and model.</summary>
    public RuleContext(FlowDocument document, FlowModel model)
        : this(document.Source, model)
    {
        Complete(document, model);
    }

    internal RuleContext(SourceText source, IModelLookup lookup)
    {
        Source = source;
        _lookup = lookup;
    }

    /// <summary>The syntax tree.</summary>
    public FlowDocument Document => _document ?? throw NotYet();

    /// <summary>The resolved model.</summary>
    public FlowModel Model => _model ?? throw NotYet();

    /// <summary>The source text.</summary>
    public SourceText Source { get; }

    /// <summary>The diagnostics reported so far.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => _diagnostics.ToImmutable();

    /// <summary>Reports a diagnostic at a span.</summary>
    public void Report(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] arguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, new SourceSpan(Source.Path, span.Start, span.Length), hint, arguments));

    /// <summary>The 1-based line of an offset, for messages such as "declared on line 3".</summary>
    public int LineOf(int offset) => Source.GetLinePosition(offset).Line + 1;

    /// <summary>The first declaration of a node id (so far, while statements stream in), or null.</summary>
    internal NodeModel? FindNode(string id) => _lookup.FindNode(id);

    /// <summary>The first block of a lane id (so far, while statements stream in), or null.</summary>
    internal LaneModel? FindLane(string id) => _lookup.FindLane(id);

    /// <summary>The tree and model are finished: the whole-graph rules can run.</summary>
    internal void Complete(FlowDocument document, FlowModel model)
    {
        _document = document;
        _model = model;
        _lookup = model;
    }

    private static InvalidOperationException NotYet() =>
        new("the tree and model are complete only after the last statement: statement rules use FindNode and FindLane");
}
