using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

public sealed class FormatAndExportCommandTests
{
    private const string Messy = "A {\n# A\nn1:  circle label=\"Start\"\n// keep\nn2: circle label:\"End\"\nn1.handle(right)->n2.handle(left)\n}\n";

    [Fact]
    public void Check_lists_files_that_would_change_and_changes_nothing()
    {
        using var flows = new TempFlows();
        string messy = flows.Write("messy.flow", Messy);
        flows.Write("clean.flow", TempFlows.Valid);
        var (code, output, _) = CliRunner.Run("fmt", "--check", flows.Root);
        Assert.Equal(1, code);
        Assert.Contains("messy.flow", output, StringComparison.Ordinal);
        Assert.DoesNotContain("clean.flow", output, StringComparison.Ordinal);
        Assert.Equal(Messy, File.ReadAllText(messy));
    }

    [Fact]
    public void Fmt_rewrites_idempotently_and_keeps_comments()
    {
        using var flows = new TempFlows();
        string messy = flows.Write("messy.flow", Messy);
        Assert.Equal(0, CliRunner.Run("fmt", messy).ExitCode);
        string once = File.ReadAllText(messy);
        Assert.Equal("A { # A\n  n1: circle label:\"Start\"\n  // keep\n  n2: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n}\n", once);
        Assert.Equal(0, CliRunner.Run("fmt", "--check", messy).ExitCode);
        Assert.Equal(0, CliRunner.Run("fmt", messy).ExitCode);
        Assert.Equal(once, File.ReadAllText(messy));
    }

    [Fact]
    public void Fmt_refuses_a_file_with_syntax_errors_and_leaves_it_alone()
    {
        using var flows = new TempFlows();
        const string broken = "A { # A\nn1 circle\n}\n";
        string file = flows.Write("broken.flow", broken);
        var (code, _, error) = CliRunner.Run("fmt", file);
        Assert.Equal(2, code);
        Assert.Contains("FZ0001", error, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(file));
    }

    [Fact]
    public void Export_writes_lanes_nodes_edges_and_loops()
    {
        string login = Path.Combine(RepoPaths.Root, "flows", "auth", "2fa-setup.flow");
        var (code, output, _) = CliRunner.Run("export", login, "--format", "json");
        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(["User", "AuthService", "BackupCodes"], root.GetProperty("lanes").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal("Auth Service", root.GetProperty("lanes")[1].GetProperty("label").GetString());
        JsonElement n13 = root.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "n13");
        Assert.Equal(("AuthService", "diamond", "Code valid?"), (n13.GetProperty("lane").GetString(), n13.GetProperty("shape").GetString(), n13.GetProperty("label").GetString()));
        Assert.True(n13.GetProperty("line").GetInt32() > 0);
        JsonElement edge = root.GetProperty("edges").EnumerateArray().Single(e => e.GetProperty("from").GetString() == "n13" && e.GetProperty("to").GetString() == "n14");
        Assert.Equal(("Yes", "right", "left"), (edge.GetProperty("label").GetString(), edge.GetProperty("fromHandle").GetString(), edge.GetProperty("toHandle").GetString()));
        JsonElement loop = root.GetProperty("loops")[0];
        Assert.Equal("retry until valid", loop.GetProperty("condition").GetString());
        Assert.Equal(["n13", "n15"], loop.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Export_of_a_file_with_errors_exits_1_and_writes_nothing()
    {
        var (code, output, error) = CliRunner.RunWithInput(TempFlows.WithError, "export", "-");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("FZ0003", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_writes_a_mermaid_flowchart_to_the_output_file()
    {
        using var flows = new TempFlows();
        string file = flows.Write("ok.flow", TempFlows.Valid);
        string output = Path.Combine(flows.Root, "ok.mmd");
        var (code, stdout, _) = CliRunner.Run("render", file, "--format", "mermaid", "-o", output);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("flowchart TB\n  subgraph lane0[\"A\"]\n    direction LR\n    n1((\"Start\"))\n    n2((\"End\"))\n  end\n  n1 --> n2\n", File.ReadAllText(output));
    }

    [Fact]
    public void Render_draws_svg_by_default()
    {
        using var flows = new TempFlows();
        string file = flows.Write("ok.flow", TempFlows.Valid);
        var (code, stdout, _) = CliRunner.Run("render", file);
        Assert.Equal(0, code);
        System.Xml.Linq.XElement root = System.Xml.Linq.XDocument.Parse(stdout).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal(2, root.Elements().Count(e => ((string?)e.Attribute("class"))?.StartsWith("node ", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Render_refuses_a_flow_with_errors_an_unknown_format_and_an_unwritable_output()
    {
        using var flows = new TempFlows();
        string bad = flows.Write("bad.flow", TempFlows.WithError);
        string output = Path.Combine(flows.Root, "bad.mmd");
        var (code, _, error) = CliRunner.Run("render", bad, "-o", output);
        Assert.Equal(1, code);
        Assert.Contains("error FZ0003", error, StringComparison.Ordinal);
        Assert.Contains("nothing rendered", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        string ok = flows.Write("ok.flow", TempFlows.Valid);
        Assert.Equal(2, CliRunner.Run("render", ok, "--format", "png").ExitCode);
        var (unwritable, _, why) = CliRunner.Run("render", ok, "-o", Path.Combine(flows.Root, "no", "such", "dir", "x.mmd"));
        Assert.Equal(2, unwritable);
        Assert.Contains("cannot write", why, StringComparison.Ordinal);
    }
}
