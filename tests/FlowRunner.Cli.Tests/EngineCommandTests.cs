using System.Text.Json;
using System.Xml.Linq;

namespace FlowRunner.Cli.Tests;

public sealed class EngineCommandTests
{
    private const string Approval = "Main { # Main\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Review\"\n  n3: diamond label:\"Approved?\"\n  n4: circle label:\"Done\"\n  n5: circle label:\"Rejected\"\n"
        + "  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n3.handle(right) -> n4.handle(left) [label=\"Yes\"]\n  n3.handle(bottom) -> n5.handle(top) [label=\"No\"]\n}\n";

    [Fact]
    public void Run_with_answers_completes_and_prints_the_documented_json()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        string answers = flows.Write("answers.json", """{"answers": {"n2": [{}], "n3": [{"outcome": "No"}]}}""");
        var (code, output, error) = CliRunner.Run("run", flow, "--answers", answers, "--format", "json", "--db", Path.Combine(flows.Root, "f.db"));
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal(["n1", "n2", "n3", "n5"], root.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Empty(root.GetProperty("waitingAt").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("incident").ValueKind);
        Assert.Equal(32, root.GetProperty("instanceId").GetString()!.Length);
    }

    [Fact]
    public void Run_stops_at_a_wait_without_answer_and_resume_continues_it()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        string db = Path.Combine(flows.Root, "f.db");
        var (code, output, _) = CliRunner.Run("run", flow, "--format", "json", "--db", db);
        Assert.Equal(0, code);
        using JsonDocument started = JsonDocument.Parse(output);
        string id = started.RootElement.GetProperty("instanceId").GetString()!;
        JsonElement wait = started.RootElement.GetProperty("waitingAt")[0];
        Assert.Equal(("waiting", "n2", "Main", "Review"), (started.RootElement.GetProperty("status").GetString(), wait.GetProperty("node").GetString(),
            wait.GetProperty("lane").GetString(), wait.GetProperty("label").GetString()));

        Assert.Equal(0, CliRunner.Run("resume", id, "--node", "n2", "--db", db).ExitCode);
        var choice = CliRunner.Run("resume", id, "--node", "n3", "--input", "{\"outcome\": \"Maybe\"}", "--db", db);
        Assert.Equal(1, choice.ExitCode);
        Assert.Contains("\"Yes\", \"No\"", choice.Error, StringComparison.Ordinal);

        var (done, text, _) = CliRunner.Run("resume", id, "--node", "n3", "--input", "{\"outcome\": \"yes\"}", "--db", db);
        Assert.Equal(0, done);
        Assert.Contains("completed", text, StringComparison.Ordinal);
        Assert.Contains("n1 -> n2 -> n3 -> n4", text, StringComparison.Ordinal);

        var again = CliRunner.Run("resume", id, "--node", "n3", "--input", "{\"outcome\": \"yes\"}", "--db", db);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not waiting", again.Error, StringComparison.Ordinal);

        var (listed, list, _) = CliRunner.Run("instances", "--db", db);
        Assert.Equal(0, listed);
        Assert.Contains(id, list, StringComparison.Ordinal);
        var (shown, show, _) = CliRunner.Run("instances", "show", id, "--db", db);
        Assert.Equal(0, shown);
        Assert.Contains("journal:", show, StringComparison.Ordinal);
        Assert.Contains("complete-instance", show, StringComparison.Ordinal);

        // Retention: a finished instance younger than the age stays; made old (created and finished in 2000), it goes with its journal.
        Assert.Contains("pruned 0 finished", CliRunner.Run("instances", "prune", "--db", db).Out, StringComparison.Ordinal);
        Sql(db, "UPDATE instances SET created_at = '2000-01-01T00:00:00.0000000Z', updated_at = '2000-01-01T00:00:00.0000000Z' WHERE id = @id", id);
        var (pruned, prunedText, _) = CliRunner.Run("instances", "prune", "--older-than-days", "30", "--db", db);
        Assert.Equal(0, pruned);
        Assert.Contains("pruned 1 finished instance(s)", prunedText, StringComparison.Ordinal);
        Assert.DoesNotContain(id, CliRunner.Run("instances", "--db", db).Out, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("instances", "prune", "--older-than-days", "-1", "--db", db).ExitCode);
    }

    [Fact]
    public void Run_on_a_terminal_prompts_at_each_wait_and_lists_the_exits_of_a_choice()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        flows.Write("approval.bindings.json", """{ "nodes": { "n2": { "input": { "reviewer": "string", "score": "number" } } } }""");
        var (code, output, error) = CliRunner.RunInteractive("ann\n7\n2\n", "run", flow, "--db", Path.Combine(flows.Root, "f.db"));
        Assert.True(code == 0, error);
        Assert.Contains("n2 [Main] \"Review\" waits: fields reviewer (string), score (number)", output, StringComparison.Ordinal);
        Assert.Contains("reviewer (string)> ", output, StringComparison.Ordinal);
        Assert.Contains("  1. Yes\n  2. No\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("path: n1 -> n2 -> n3 -> n5", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_refuses_bad_input_with_clear_errors()
    {
        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "f.db");
        Assert.Equal(2, CliRunner.Run("run", Path.Combine(flows.Root, "missing.flow"), "--db", db).ExitCode);

        var broken = CliRunner.Run("run", flows.Write("bad.flow", TempFlows.WithError), "--db", db);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("FZ0003", broken.Error, StringComparison.Ordinal);

        var noStart = CliRunner.Run("run", flows.Write("nostart.flow", "A { # A\n  n1: rectangle label:\"x\"\n}\n"), "--db", db);
        Assert.Equal(1, noStart.ExitCode);
        Assert.Contains("no start", noStart.Error, StringComparison.Ordinal);

        string flow = flows.Write("approval.flow", Approval);
        var badAnswers = CliRunner.Run("run", flow, "--answers", flows.Write("a.json", """{"answers": {"n2": {}}}"""), "--db", db);
        Assert.Equal(2, badAnswers.ExitCode);
        Assert.Contains("must be an array of objects", badAnswers.Error, StringComparison.Ordinal);

        Assert.Equal(2, CliRunner.Run("resume", "nope", "--node", "n2", "--db", db).ExitCode);
        Assert.Equal(2, CliRunner.Run("resume", "nope", "--node", "n2", "--input", "[1]", "--db", db).ExitCode);
    }

    [Fact]
    public void Strict_validation_makes_unbound_nodes_errors()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        var (code, output, _) = CliRunner.Run("validate", "--verbosity", "detailed", flow);
        Assert.Equal(0, code);
        Assert.Contains("info FZ2001: activity 'n2' (\"Review\") is bound to no activity", output, StringComparison.Ordinal);

        var strict = CliRunner.Run("validate", "--strict", flow);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("error FZ2001", strict.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bindings_file_errors_are_reported_against_the_flow()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        flows.Write("approval.bindings.json", """{ "nodes": { "n2": { "activity": "nope.missing" }, "n9": { } } }""");
        var (code, output, _) = CliRunner.Run("validate", flow);
        Assert.Equal(1, code);
        Assert.Contains("error FZ2004: node 'n2' is bound to activity 'nope.missing'", output, StringComparison.Ordinal);
        Assert.Contains("error FZ2005: approval.bindings.json binds node 'n9'", output, StringComparison.Ordinal);

        flows.Write("approval.bindings.json", """{ "nodes": { "n2": { "input": { "x": "colour" } } } }""");
        var invalid = CliRunner.Run("validate", flow);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("error FZ2006: approval.bindings.json is not valid", invalid.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_draws_an_instance_path_from_its_journal_and_follows_it_as_it_moves()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        string db = Path.Combine(flows.Root, "f.db");
        using JsonDocument started = JsonDocument.Parse(CliRunner.Run("run", flow, "--format", "json", "--db", db).Out);
        string id = started.RootElement.GetProperty("instanceId").GetString()!;

        var (code, svg, _) = CliRunner.Run("render", flow, "--instance", id, "--db", db);
        Assert.Equal(0, code);
        XElement root = XDocument.Parse(svg).Root!;
        Assert.Equal(["n1", "n2"], Nodes(root, "visited"));
        Assert.Equal(["n2"], Nodes(root, "waiting"));
        Assert.Single(root.Elements(Svg + "g"), g => Classes(g).Contains("edge") && Classes(g).Contains("taken"));

        Assert.Equal(0, CliRunner.Run("resume", id, "--node", "n2", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("resume", id, "--node", "n3", "--input", "{\"outcome\": \"No\"}", "--db", db).ExitCode);
        string output = Path.Combine(flows.Root, "path.svg");
        Assert.Equal(0, CliRunner.Run("render", flow, "--instance", id, "--db", db, "-o", output).ExitCode);
        root = XDocument.Load(output).Root!;
        Assert.Equal(["n1", "n2", "n3", "n5"], Nodes(root, "visited"));
        Assert.Empty(Nodes(root, "waiting"));
        string[] taken = [.. root.Elements(Svg + "g").Where(g => Classes(g).Contains("taken")).Select(g => (string)g.Attribute("data-from")! + "->" + (string)g.Attribute("data-to")!)];
        Assert.Equal(["n1->n2", "n2->n3", "n3->n5"], taken);

        var unknown = CliRunner.Run("render", flow, "--instance", "nope", "--db", db);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no instance 'nope'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("render", flow, "--instance", id, "--db", db, "--format", "mermaid").ExitCode);
    }

    [Fact]
    public void Commands_that_only_read_leave_an_interrupted_instance_as_it_is()
    {
        using var flows = new TempFlows();
        string flow = flows.Write("approval.flow", Approval);
        string db = Path.Combine(flows.Root, "f.db");
        using JsonDocument started = JsonDocument.Parse(CliRunner.Run("run", flow, "--format", "json", "--db", db).Out);
        string id = started.RootElement.GetProperty("instanceId").GetString()!;

        // As if the process running it had died between two steps, n2 about to run: recovery would run it.
        Sql(db, "UPDATE instances SET status = 'Running' WHERE id = @id; UPDATE branches SET status = 'Ready' WHERE instance_id = @id", id);
        (string Status, long Version, long Journal) before = Snapshot(db, id);

        var listed = CliRunner.Run("instances", "--db", db);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("running", listed.Out, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, CliRunner.Run("instances", "show", id, "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("render", flow, "--instance", id, "--db", db).ExitCode);
        Assert.Equal(before, Snapshot(db, id));
        Assert.Equal("Running", before.Status);

        // A command that runs instances recovers it first.
        Assert.Equal(0, CliRunner.Run("resume", id, "--node", "n2", "--db", db).ExitCode);
        Assert.Equal("Waiting", Snapshot(db, id).Status);
        Assert.True(Snapshot(db, id).Version > before.Version);
    }

    private static void Sql(string database, string sql, string id)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + database + ";Pooling=False");
        connection.Open();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@id", id);
        command.ExecuteNonQuery();
    }

    private static (string Status, long Version, long Journal) Snapshot(string database, string id)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + database + ";Mode=ReadOnly;Pooling=False");
        connection.Open();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT status, version, (SELECT COUNT(*) FROM journal WHERE instance_id = @id) FROM instances WHERE id = @id";
        command.Parameters.AddWithValue("@id", id);
        using Microsoft.Data.Sqlite.SqliteDataReader reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string[] Classes(XElement element) => ((string?)element.Attribute("class") ?? string.Empty).Split(' ');

    private static string[] Nodes(XElement root, string state) =>
        [.. root.Elements(Svg + "g").Where(g => Classes(g).Contains("node") && Classes(g).Contains(state)).Select(g => (string)g.Attribute("data-node")!)];
}
