using System.Collections.Immutable;
using FlowRunner.Language.Binding;
using FlowRunner.Language.Checking;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language;

/// <summary>A file through the three stages (parse, bind, check): its graph and every diagnostic, sorted by position.</summary>
public sealed record FlowAnalysis(FlowGraph Graph, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The syntax tree.</summary>
    public FlowDocument Document => Graph.Syntax;

    /// <summary>The source text.</summary>
    public SourceText Source => Graph.Source;

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Analyzes a text that has no file.</summary>
    public static FlowAnalysis Analyze(string text) => Analyze(text, string.Empty);

    /// <summary>Analyzes a text; <paramref name="path"/> is used in diagnostics only.</summary>
    public static FlowAnalysis Analyze(string text, string path) => Analyze(SourceText.From(text, path), LintConfiguration.Default);

    /// <summary>Parses, binds and checks a source text, applying the configuration's severities.</summary>
    public static FlowAnalysis Analyze(SourceText source, LintConfiguration configuration)
    {
        ParseResult parsed = FlowParser.Parse(source);
        BindResult bound = FlowBinder.Bind(parsed.Document);
        ImmutableArray<Diagnostic> all = [.. parsed.Diagnostics, .. bound.Diagnostics, .. FlowChecker.Check(bound.Graph)];
        return new FlowAnalysis(bound.Graph, Sort(configuration.Apply(all)));
    }

    /// <summary>Diagnostics in the order they are shown: by position, then by id.</summary>
    public static ImmutableArray<Diagnostic> Sort(IEnumerable<Diagnostic> diagnostics) =>
        [.. diagnostics.OrderBy(d => d.Location.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];
}
