using System.Collections;
using System.Reflection;
using System.Text;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Tests.Support;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Tests;

/// <summary>
/// The hand-written node and edge line parsers build exactly the tree and the diagnostics the combinator grammar
/// builds: every property of every tree node is compared, on real files and on thousands of mutated ones.
/// </summary>
public sealed class FastLinesTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in RepoPaths.CorpusFiles().Concat(Directory.EnumerateFiles(RepoPaths.Flows, "*.flow", SearchOption.AllDirectories).Order(StringComparer.Ordinal)))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Real_files_parse_to_the_same_tree_with_and_without_the_fast_lines(string path) =>
        AssertSameParse(File.ReadAllText(path));

    [Fact]
    public void Mutated_files_parse_to_the_same_tree_and_errors_with_and_without_the_fast_lines()
    {
        var random = new Random(112026);
        int compared = 0;
        foreach (string original in RepoPaths.CorpusFiles().Select(File.ReadAllText))
        {
            for (int i = 0; i < 60; i++)
            {
                AssertSameParse(MutationTests.Mutate(original, random));
                compared++;
            }
        }

        Assert.True(compared > 2000, $"only {compared} mutated files compared");
    }

    [Theory]
    [InlineData("n1: rectangle label:\"A\" owner=\"B\"   // note")]
    [InlineData("n1 : rectangle   label : \"A\"#note")]
    [InlineData("n1: taskbox label:\"a|b\" description:\"x\"")]
    [InlineData("n1: circle")]
    [InlineData("n1.handle(right) -> Lane.n2.handle(left) [label=\"Yes\"] # why")]
    [InlineData("n1 . handle ( right ) -> n2 . handle ( ) [ label : \"No\" ]")]
    [InlineData("n1 -> n2 -> n3")]
    [InlineData("Lane.n1 -> n2")]
    [InlineData("n1.handle(right) -> n2.handel(left)")]
    [InlineData("n1: rectangle label:\"escaped \\\" quote\"")]
    [InlineData("n1: rectangle label:\"unterminated")]
    [InlineData("n1.handle(right) -> ")]
    [InlineData("n1.handle(right -> n2")]
    [InlineData("loop: rectangle label:\"x\"")]
    [InlineData("n1: rectangle label:\"x\" / bad")]
    [InlineData("n1 -> n2 [label=\"x\"")]
    public void Edge_cases_parse_the_same_with_and_without_the_fast_lines(string line) =>
        AssertSameParse("Lane { # Lane\n" + line + "\n}\n");

    private static void AssertSameParse(string text)
    {
        SourceText source = SourceText.From(text, "compared.flow");
        ParseResult fast = FlowParser.Parse(source);
        ParseResult full = FlowParser.ParseWithCombinatorsOnly(source);
        Assert.Equal(Dump(full.Document.Statements), Dump(fast.Document.Statements));
        Assert.Equal(
            full.Diagnostics.Select(d => $"{d.Id} {d.Location.Start}+{d.Location.Length} {d.Message} | {d.Hint}"),
            fast.Diagnostics.Select(d => $"{d.Id} {d.Location.Start}+{d.Location.Length} {d.Message} | {d.Hint}"));
    }

    /// <summary>Every public property, recursively: records, tokens, spans, arrays.</summary>
    private static string Dump(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                return;
            case string text:
                builder.Append('"').Append(text).Append('"');
                return;
            case char or bool or int or Enum:
                builder.Append(value);
                return;
            case IEnumerable items:
                builder.Append('[');
                foreach (object? item in items)
                {
                    Write(builder, item);
                    builder.Append(", ");
                }

                builder.Append(']');
                return;
        }

        Type type = value.GetType();
        builder.Append(type.Name).Append('{');
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                builder.Append(property.Name).Append('=');
                Write(builder, property.GetValue(value));
                builder.Append(' ');
            }
        }

        builder.Append('}');
    }
}
