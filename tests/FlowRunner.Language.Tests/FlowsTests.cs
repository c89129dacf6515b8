using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Formatting;
using FlowRunner.Language.Parsing;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>Every flow we ship validates with no errors and no warnings, and is formatted.</summary>
public sealed class FlowsTests
{
    public static TheoryData<string> Files() => [.. FlowPaths()];

    private static IEnumerable<string> FlowPaths() =>
        Directory.EnumerateFiles(RepoPaths.Flows, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".flow", StringComparison.Ordinal) || f.EndsWith(".fz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(RepoPaths.Flows, f));

    [Fact]
    public void Seed_flows_are_shipped()
    {
        string[] files = [.. FlowPaths()];
        Assert.Contains(Path.Combine("auth", "login.flow"), files);
        Assert.Contains(Path.Combine("auth", "2fa-setup.flow"), files);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Shipped_flow_is_clean_and_formatted(string relative)
    {
        string path = Path.Combine(RepoPaths.Flows, relative);
        string text = File.ReadAllText(path);
        FlowAnalysis analysis = FlowAnalysis.Analyze(text, relative);
        Assert.True(analysis.Diagnostics.IsEmpty, string.Join("\n", analysis.Diagnostics.Select(d => DiagnosticFormatter.Header(d, analysis.Source))));
        Assert.Equal(text, FlowFormatter.Format(FlowParser.Parse(text, relative)));
    }
}
