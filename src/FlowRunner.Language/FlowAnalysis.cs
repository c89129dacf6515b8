using System.Collections.Immutable;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
using FlowRunner.Language.Validation;

namespace FlowRunner.Language;

/// <summary>The result of reading one file: tree, model and all diagnostics, sorted by position.</summary>
public sealed record FlowAnalysis(FlowDocument Document, FlowModel Model, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The source text.</summary>
    public SourceText Source => Document.Source;

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Parses and validates a text.</summary>
    public static FlowAnalysis Analyze(string text, string path = "", LintConfiguration? configuration = null) =>
        Analyze(SourceText.From(text, path), configuration);

    /// <summary>Parses and validates a source text, applying the configuration's severities.</summary>
    public static FlowAnalysis Analyze(SourceText source, LintConfiguration? configuration = null)
    {
        ParseResult parse = FlowParser.Parse(source);
        FlowModel model = FlowModelBuilder.Build(parse.Document);
        ImmutableArray<Diagnostic> all = parse.Diagnostics.AddRange(FlowValidator.Validate(parse.Document, model, isTreeComplete: !parse.HasErrors));
        all = (configuration ?? LintConfiguration.Default).Apply(all);
        ImmutableArray<Diagnostic> sorted = [.. all
            .OrderBy(d => d.Location.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)];
        return new FlowAnalysis(parse.Document, model, sorted);
    }
}
