using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

public sealed class ConfigurationTests
{
    private const string Flow = "A { # A\n// note\nn1: circle label:\"a\"\nn2: rectangle label:\"b\"\nn1.handle(right) -> n2.handle(left)\n}\n";

    [Fact]
    public void Overrides_change_or_remove_severities()
    {
        LintConfiguration configuration = LintConfiguration.Parse("""{ "diagnostics": { "FZ3011": "none", "FZ1009": "error" } }""", "flowrunner.json");
        FlowAnalysis analysis = FlowAnalysis.Analyze(Language.Text.SourceText.From(Flow, "a.flow"), configuration);
        Assert.DoesNotContain(analysis.Diagnostics, d => d.Id == "FZ3011");
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(analysis.Diagnostics, d => d.Id == "FZ1009").Severity);
        Assert.True(analysis.HasErrors);
    }

    [Theory]
    [InlineData("""{ "diagnostics": { "FZ9999": "none" } }""", "unknown diagnostic id 'FZ9999'")]
    [InlineData("""{ "diagnostics": { "FZ0001": "warning" } }""", "cannot be changed")]
    [InlineData("""{ "diagnostics": { "FZ3011": "loud" } }""", "must be \"error\", \"warning\", \"info\" or \"none\"")]
    [InlineData("""{ "diagnostics": [] }""", "must be an object")]
    [InlineData("""{ "diagnostics": { """, "not valid JSON")]
    public void Invalid_configuration_names_the_file_and_the_fix(string json, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => LintConfiguration.Parse(json, "flows/flowrunner.json"));
        Assert.Equal("flows/flowrunner.json", error.FilePath);
        Assert.Contains(expected, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nearest_file_from_the_flow_folder_upwards_applies()
    {
        using var temp = new TempFolder("flowrunner-config-");
        string root = temp.Path;
        string nested = Directory.CreateDirectory(Path.Combine(root, "a", "b")).FullName;
        File.WriteAllText(Path.Combine(root, LintConfiguration.FileName), """{ "diagnostics": { "FZ3011": "none" } }""");
        Assert.Equal(Path.Combine(root, LintConfiguration.FileName), LintConfiguration.FindFor(nested).Path);
        File.WriteAllText(Path.Combine(root, "a", LintConfiguration.FileName), """{ "diagnostics": { "FZ3011": "error" } }""");
        Assert.Equal(DiagnosticSeverity.Error, LintConfiguration.FindFor(nested).Severities["FZ3011"]);
    }
}
