using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

public sealed class ValidateCommandTests
{
    [Fact]
    public void Clean_files_exit_0()
    {
        using var flows = new TempFlows();
        string file = flows.Write("ok.flow", TempFlows.Valid);
        var (code, output, _) = CliRunner.Run("validate", file);
        Assert.Equal(0, code);
        Assert.Contains("0 errors, 0 warnings in 1 file", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_exit_1_with_place_caret_and_hint()
    {
        using var flows = new TempFlows();
        string file = flows.Write("bad.flow", TempFlows.WithError);
        var (code, output, _) = CliRunner.Run("validate", file);
        Assert.Equal(1, code);
        Assert.Contains("bad.flow(2,7): error FZ0003: unknown shape 'circel': did you mean 'circle'?", output, StringComparison.Ordinal);
        Assert.Contains(" 2 |   n1: circel label:\"Start\"\n   |       ^^^^^^\n   = hint: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_pass_unless_over_max_warnings()
    {
        using var flows = new TempFlows();
        string file = flows.Write("warn.flow", TempFlows.WithWarning);
        Assert.Equal(0, CliRunner.Run("validate", file).ExitCode);
        Assert.Equal(0, CliRunner.Run("validate", file, "--max-warnings", "1").ExitCode);
        var (code, _, error) = CliRunner.Run("validate", file, "--max-warnings", "0");
        Assert.Equal(1, code);
        Assert.Contains("exceed --max-warnings 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_output_counts_infos_per_id_and_detailed_lists_them()
    {
        using var flows = new TempFlows();
        string file = flows.Write("drawing.flow", """
            Desk { # Desk
            n1: circle label:"Start"
            n2: rectangle label:"Fill in the form"
            n3: rectangle label:"Check the form"
            n4: circle label:"End"
            n5: rectangle label:"Forgotten"
            n1.handle(right) -> n2.handle(left)
            n2.handle(right) -> n3.handle(left)
            n3.handle(right) -> n4.handle(left)
            }
            """);

        var (code, normal, _) = CliRunner.Run("validate", file);
        Assert.Equal(0, code);
        Assert.Contains("warning FZ1014: node 'n5' has no edges", normal, StringComparison.Ordinal);
        Assert.DoesNotContain("info FZ2001", normal, StringComparison.Ordinal);
        Assert.Contains("3 infos: FZ2001 unbound node \u00d73; --verbosity detailed lists them\n", normal, StringComparison.Ordinal);
        Assert.EndsWith("0 errors, 1 warning, 3 infos in 1 file\n", normal.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var (_, detailed, _) = CliRunner.Run("validate", "--verbosity", "detailed", file);
        Assert.Equal(3, detailed.Split("info FZ2001: ").Length - 1);
        Assert.DoesNotContain("--verbosity detailed lists", detailed, StringComparison.Ordinal);

        var (_, json, _) = CliRunner.Run("validate", "--format", "json", file);
        using JsonDocument report = JsonDocument.Parse(json);
        Assert.Equal(3, report.RootElement.GetProperty("files")[0].GetProperty("diagnostics").EnumerateArray().Count(d => d.GetProperty("id").GetString() == "FZ2001"));
    }

    [Fact]
    public void Progress_is_drawn_only_on_a_terminal_after_half_a_second_and_erased()
    {
        var quiet = new StringWriter();
        using (var off = new FlowRunner.Cli.Output.ProgressLine(quiet, enabled: false))
        {
            Thread.Sleep(600);
            off.Report("validating 1/2");
        }

        Assert.Equal(string.Empty, quiet.ToString());

        var terminal = new StringWriter();
        using (var on = new FlowRunner.Cli.Output.ProgressLine(terminal, enabled: true))
        {
            on.Report("too early");
            Thread.Sleep(600);
            on.Report("validating 2/3");
        }

        Assert.Equal("\rvalidating 2/3\r              \r", terminal.ToString());
    }

    [Fact]
    public void Folders_are_searched_recursively_for_flow_and_fz()
    {
        using var flows = new TempFlows();
        flows.Write("a.flow", TempFlows.Valid);
        flows.Write("sub/deeper/b.fz", TempFlows.Valid);
        flows.Write("sub/notes.txt", "not a flow");
        flows.Write("bin/c.flow", TempFlows.WithError);
        var (code, output, _) = CliRunner.Run("validate", flows.Root);
        Assert.Equal(0, code);
        Assert.Contains("in 2 files", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dash_reads_standard_input()
    {
        var (code, output, _) = CliRunner.RunWithInput(TempFlows.WithError, "validate", "-");
        Assert.Equal(1, code);
        Assert.Contains("<stdin>(2,7): error FZ0003", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_and_bad_usage_exit_2()
    {
        var missing = CliRunner.Run("validate", "/no/such/file.flow");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("'/no/such/file.flow' does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("validate").ExitCode);
        Assert.Equal(2, CliRunner.Run("validate", "x.flow", "--format", "xml").ExitCode);
        Assert.Equal(2, CliRunner.Run("validate", "x.flow", "--max-warnings", "-1").ExitCode);
        Assert.Equal(2, CliRunner.Run("frobnicate").ExitCode);
    }

    [Fact]
    public void Invalid_configuration_exits_2_naming_the_file()
    {
        using var flows = new TempFlows();
        string file = flows.Write("ok.flow", TempFlows.Valid);
        flows.Write("flowrunner.json", """{ "diagnostics": { "FZ3001": "loud" } }""");
        var (code, _, error) = CliRunner.Run("validate", file);
        Assert.Equal(2, code);
        Assert.Contains("flowrunner.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_beside_the_flows_changes_severity()
    {
        using var flows = new TempFlows();
        string file = flows.Write("warn.flow", TempFlows.WithWarning);
        flows.Write("flowrunner.json", """{ "diagnostics": { "FZ3001": "error" } }""");
        var (code, output, _) = CliRunner.Run("validate", file);
        Assert.Equal(1, code);
        Assert.Contains("error FZ3001", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_has_the_documented_shape()
    {
        using var flows = new TempFlows();
        string file = flows.Write("bad.flow", TempFlows.WithError);
        var (code, output, _) = CliRunner.Run("validate", file, "--format", "json");
        Assert.Equal(1, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        JsonElement fileElement = root.GetProperty("files")[0];
        Assert.EndsWith("bad.flow", fileElement.GetProperty("path").GetString(), StringComparison.Ordinal);
        JsonElement diagnostic = fileElement.GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "FZ0003");
        Assert.Equal("error", diagnostic.GetProperty("severity").GetString());
        Assert.Equal((2, 7, 2, 13), (diagnostic.GetProperty("line").GetInt32(), diagnostic.GetProperty("column").GetInt32(),
            diagnostic.GetProperty("endLine").GetInt32(), diagnostic.GetProperty("endColumn").GetInt32()));
        Assert.Contains("circle", diagnostic.GetProperty("hint").GetString(), StringComparison.Ordinal);
        Assert.Contains("'circel'", diagnostic.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sarif_output_is_sarif_2_1_0_with_rules_and_regions()
    {
        using var flows = new TempFlows();
        string file = flows.Write("bad.flow", TempFlows.WithError);
        var (code, output, _) = CliRunner.Run("validate", file, "--format", "sarif");
        Assert.Equal(1, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        JsonElement run = root.GetProperty("runs")[0];
        JsonElement driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("flowrunner", driver.GetProperty("name").GetString());
        JsonElement[] rules = [.. driver.GetProperty("rules").EnumerateArray()];
        JsonElement result = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "FZ0003");
        Assert.Equal("FZ0003", rules[result.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        JsonElement location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.EndsWith("bad.flow", location.GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(7, location.GetProperty("region").GetProperty("startColumn").GetInt32());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("message").GetProperty("text").GetString()));
    }

    [Fact]
    public void Shipped_flows_validate_clean_through_the_cli()
    {
        string flows = Path.Combine(RepoPaths.Root, "flows");
        var (code, output, error) = CliRunner.Run("validate", flows, "--max-warnings", "0");
        Assert.True(code == 0, error);
        Assert.Equal(0, code);
        Assert.Contains("0 errors, 0 warnings", output, StringComparison.Ordinal);
    }
}
