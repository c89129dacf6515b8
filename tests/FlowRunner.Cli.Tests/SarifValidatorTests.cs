using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// The SARIF that <c>validate --format sarif</c> writes passes Microsoft's SARIF Multitool with its SARIF and GitHub
/// rule sets (what GitHub code scanning checks on upload): no error and no warning, for absolute, relative and
/// standard-input paths and results of many rules.
/// </summary>
public sealed class SarifValidatorTests
{
    [Fact]
    public void The_sarif_multitool_finds_no_error_or_warning()
    {
        using var temp = new TempFolder("flowrunner-sarif-");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(RepoPaths.Flows, "auth", "login.flow"));
        string routes = Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Cli.Tests", "Golden", "routes", "FZ2008-route-to-unknown-flow");
        var (_, sarif, error) = CliRunner.RunWithInput("Lane { # L\n  n1: circel\n}\n", "validate", "--format", "sarif", RepoPaths.Corpus, relative, routes, "-");
        Assert.Equal(string.Empty, error);
        using (JsonDocument written = JsonDocument.Parse(sarif))
        {
            JsonElement results = written.RootElement.GetProperty("runs")[0].GetProperty("results");
            Assert.True(results.GetArrayLength() > 100, "the input should give many results");
            Assert.True(results.EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).Distinct().Count() >= 10, "the input should give results of many rules");
        }

        string input = Path.Combine(temp.Path, "flowrunner.sarif");
        string report = Path.Combine(temp.Path, "multitool.sarif");
        File.WriteAllText(input, sarif);
        var (code, output, stderr) = ExternalTool.Start(OutsideValidators.SarifMultitool,
            ["validate", input, "--rule-kind", "Sarif;Gh", "--level", "Error;Warning", "--output", report, "--log", "ForceOverwrite"]);
        Assert.True(code == 0 && File.Exists(report), $"the multitool did not run ({code}): {stderr}{output}");

        using JsonDocument found = JsonDocument.Parse(File.ReadAllText(report));
        string[] problems = [.. found.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Select(r => $"{r.GetProperty("ruleId").GetString()} {r.GetProperty("level").GetString()} {r.GetProperty("message")}")];
        Assert.True(problems.Length == 0, $"{problems.Length} problems, first ones:\n{string.Join('\n', problems.Take(10))}");
    }
}
