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
        // The parser hands each statement to the model and each closed lane to the statement rules while that
        // lane is still in the CPU cache; a walk of the finished tree would read a large file back from memory
        // twice more (FlowModelBuilder.Build and FlowValidator.Validate give the same results, a test checks).
        var pipeline = new Pipeline(source);
        ParseResult parse = FlowParser.Parse(source, pipeline);
        FlowModel model = pipeline.Model.Finish();
        ImmutableArray<Diagnostic> all = parse.Diagnostics.AddRange(pipeline.Validation.Finish(parse.Document, model, isTreeComplete: !parse.HasErrors));
        all = (configuration ?? LintConfiguration.Default).Apply(all);
        ImmutableArray<Diagnostic> sorted = [.. all
            .OrderBy(d => d.Location.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)];
        return new FlowAnalysis(parse.Document, model, sorted);
    }

    private sealed class Pipeline : IStatementSink
    {
        public Pipeline(SourceText source)
        {
            // A statement is a line at most; the parser counts lines anyway (but refuses a file too large to read).
            Model = new ModelBuilder(source.Text.Length > FlowParser.MaxCharacters ? 0 : source.LineCount);
            Validation = new FlowValidator.ValidationRun(source, Model);
        }

        public ModelBuilder Model { get; }

        public FlowValidator.ValidationRun Validation { get; }

        public void OnStatement(StatementSyntax statement, string? lane)
        {
            Model.Add(statement, lane);
            if (lane is null)
            {
                Validation.Visit(statement, null);
            }
        }

        public void OnLaneClosed(LaneSyntax lane)
        {
            Model.AddLane(lane);
            foreach (StatementSyntax member in lane.Members)
            {
                Validation.Visit(member, lane);
            }
        }
    }
}
