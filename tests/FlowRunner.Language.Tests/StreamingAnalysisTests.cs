using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Tests.Support;
using FlowRunner.Language.Validation;

namespace FlowRunner.Language.Tests;

/// <summary>
/// <see cref="FlowAnalysis"/> builds the model and runs the statement rules while the parser reads (a lane at a
/// time, holding back statements that name something declared later). It must give exactly what the three
/// separate stages give over the finished tree: the same model, edge for edge, and the same diagnostics.
/// </summary>
public sealed class StreamingAnalysisTests
{
    // Forward references of every kind: an edge before its nodes, a prefix naming a lane declared later, a
    // top-level edge and loop before the lanes, a chain whose last step waits, a duplicate id after the edges
    // that use it, an undeclared node and lane, and edges after a waiting one (their indexes must follow the text).
    private const string ForwardReferences = """
        n1.handle(right) -> Later.n5.handle(left) [label="top-level, forward"]
        loop [retry] n2 n5
        First { # First
          n2.handle(right) -> n3.handle(left)
          n1: circle label:"Start"
          n2: rectangle label:"Two"
          n1.handle(right) -> n2.handle(left)
          n3.handle(bottom) -> Later.n4.handle(top)
          n2 -> n3 -> Later.n5
          n3: diamond label:"Three"
          n3.handle(right) -> Missing.n9.handle(left) [label="No"]
          n3.handle(top) -> n2.handle(top) [label="Yes"]
          n3.handle(top) -> Wrong.n4.handle(top) [label="Maybe"]
        }
        Later { # Later
          n4: rectangle label:"Four"
          n2: rectangle label:"Duplicate"
          n4.handle(right) -> n5.handle(left)
          n5: circle label:"End"
          First.n4 -> n5
        }
        """;

    [Fact]
    public void Forward_references_give_the_model_and_diagnostics_of_the_finished_tree()
    {
        AssertSameAsStages(ForwardReferences);
        FlowModel model = FlowAnalysis.Analyze(ForwardReferences, "forward.flow").Model;
        Assert.Equal(
            ["n1->n5", "n2->n3", "n1->n2", "n3->n4", "n2->n3", "n3->n5", "n3->n2", "n3->n4", "n4->n5", "n4->n5"],
            model.Edges.Select(e => e.From + "->" + e.To));
        Assert.Equal(Enumerable.Range(0, model.Edges.Length), model.Edges.Select(e => e.Index));
    }

    [Fact]
    public void Every_corpus_and_shipped_file_and_thousands_of_edits_of_them_stream_to_the_same_result()
    {
        string[] files = [.. RepoPaths.CorpusFiles().Concat(Directory.EnumerateFiles(RepoPaths.Flows, "*.flow", SearchOption.AllDirectories)).Select(File.ReadAllText)];
        var random = new Random(7);
        int compared = 0;
        foreach (string original in files)
        {
            AssertSameAsStages(original);
            for (int i = 0; i < 60; i++)
            {
                AssertSameAsStages(MutationTests.Mutate(original, random));
                compared++;
            }
        }

        Assert.Equal(files.Length * 60, compared);
    }

    private static void AssertSameAsStages(string text)
    {
        FlowAnalysis streamed = FlowAnalysis.Analyze(text, "same.flow");

        ParseResult parse = FlowParser.Parse(text, "same.flow");
        FlowModel model = FlowModelBuilder.Build(parse.Document);
        ImmutableArray<Diagnostic> diagnostics = parse.Diagnostics.AddRange(FlowValidator.Validate(parse.Document, model, isTreeComplete: !parse.HasErrors));

        Assert.Equal(Describe(model), Describe(streamed.Model));
        Assert.Equal(
            diagnostics.Select(Describe).Order(StringComparer.Ordinal),
            streamed.Diagnostics.Select(Describe).Order(StringComparer.Ordinal));
    }

    private static string Describe(Diagnostic d) => $"{d.Id} {d.Severity} {d.Location.Start}+{d.Location.Length} {d.Message} | {d.Hint}";

    private static string[] Describe(FlowModel model) =>
    [
        .. model.Lanes.Select(l => $"lane {l.Id} '{l.DisplayLabel}' at {l.Syntax.Span.Start}"),
        .. model.Nodes.Select(n => $"node {n.Index} {n.Id} in {n.Lane} {n.Shape} at {n.Syntax.Span.Start} '{n.Label}'"),
        .. model.Edges.Select(e => $"edge {e.Index} {e.From}({e.FromIndex}) -> {e.To}({e.ToIndex}) '{e.Label}' {e.FromHandle}/{e.ToHandle} {e.HandlesInferred} at {e.Syntax.Span.Start}"),
        .. model.Loops.Select(l => $"loop '{l.Condition}' {string.Join(' ', l.Nodes)} at {l.Syntax.Span.Start}"),
        .. model.Nodes.Select(n => $"out {n.Id}: {string.Join(',', model.Outgoing(n).Select(e => e.Index))} in: {string.Join(',', model.Incoming(n).Select(e => e.Index))}"),
    ];
}
