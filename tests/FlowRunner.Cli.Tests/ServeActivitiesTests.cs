using System.Text.Json;
using Dapper;
using FlowRunner.Cli.Commands;
using FlowRunner.Engine.Activities;
using FlowRunner.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Cli.Tests;

/// <summary><c>serve --activities</c>: activity handlers from an assembly of one's own, without writing a host.</summary>
public sealed class ServeActivitiesTests
{
    [Fact]
    public async Task An_activity_assembly_adds_its_handlers_and_what_its_extension_registers()
    {
        using var flows = new TempFlows();
        flows.Write("flows/a.flow", TempFlows.Valid);
        string worker = WorkerAssembly();
        await using WebApplication app = ServeCommand.Build(new ServeSettings(Path.Combine(flows.Root, "flows"), Path.Combine(flows.Root, "f.db"), "http://127.0.0.1:0", null, null, [], null, null)
        {
            Activities = [worker],
        });

        Assert.Contains(app.Services.GetServices<IActivityHandler>(), h => h.Type == "worker.effect" && h.Labels.Contains("Effect"));
        Assert.Contains(app.Services.GetServices<FlowRunner.Storage.Sqlite.SqlitePackStore>(), p => p.Migrations.Any(m => m.Source == "worker"));
    }

    [Theory]
    [InlineData("missing.dll", "could not be loaded")]
    [InlineData("FlowRunner.Language.dll", "has no public activity handler (IActivityHandler) and no IFlowRunnerExtension")]
    public void An_assembly_that_cannot_be_loaded_or_adds_nothing_is_refused_and_nothing_is_served(string assembly, string reason)
    {
        using var flows = new TempFlows();
        flows.Write("flows/a.flow", TempFlows.Valid);
        string path = assembly == "missing.dll" ? Path.Combine(flows.Root, assembly) : Path.Combine(AppContext.BaseDirectory, assembly);
        var (exit, _, error) = CliRunner.Run("serve", Path.Combine(flows.Root, "flows"), "--db", Path.Combine(flows.Root, "f.db"), "--urls", "http://127.0.0.1:0", "--activities", path);
        Assert.Equal(2, exit);
        Assert.Contains($"--activities: the activity assembly '{path}'", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_strict_binds_nodes_to_an_activity_assembly_s_handlers_when_given_it()
    {
        using var flows = new TempFlows();
        flows.Write("flows/work.flow", "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Effect\"\n  n3: circle label:\"End\"\n"
            + "  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n}\n");
        string flow = Path.Combine(flows.Root, "flows", "work.flow");

        var (unbound, output, _) = CliRunner.Run("validate", "--strict", flow);
        var (bound, _, error) = CliRunner.Run("validate", "--strict", "--activities", WorkerAssembly(), flow);
        var (refused, _, refusal) = CliRunner.Run("validate", "--strict", "--activities", Path.Combine(flows.Root, "missing.dll"), flow);

        Assert.Equal(1, unbound);
        Assert.Contains("FZ2001", output, StringComparison.Ordinal);
        Assert.True(bound == 0, error);
        Assert.Equal(2, refused);
        Assert.Contains("--activities: the activity assembly", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_and_resume_bind_nodes_to_an_activity_assembly_and_its_writes_land_in_the_database()
    {
        using var flows = new TempFlows();
        //  (n1) -> [n2 Approve: manual] -> [n3 Effect] -> (n4)
        string flow = flows.Write("work.flow", "Work { # Work\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Approve\"\n  n3: rectangle label:\"Effect\"\n"
            + "  n4: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n3.handle(right) -> n4.handle(left)\n}\n");
        string db = Path.Combine(flows.Root, "f.db");
        string worker = WorkerAssembly();

        var (started, output, error) = CliRunner.Run("run", flow, "--format", "json", "--db", db, "--activities", worker);
        Assert.True(started == 0, error);
        using JsonDocument run = JsonDocument.Parse(output);
        string id = run.RootElement.GetProperty("instanceId").GetString()!;
        Assert.Equal("n2", run.RootElement.GetProperty("waitingAt")[0].GetProperty("node").GetString());

        // Without the assembly that "Effect" ran with, resume refuses (it would run n3 as a manual task) and changes nothing.
        var (refusedResume, _, refusedWhy) = CliRunner.Run("resume", id, "--node", "n2", "--db", db);
        Assert.Equal(1, refusedResume);
        Assert.Contains("n3 waits as a manual task", refusedWhy, StringComparison.Ordinal);
        Assert.Contains("--activities", refusedWhy, StringComparison.Ordinal);

        var (resumed, text, resumeError) = CliRunner.Run("resume", id, "--node", "n2", "--db", db, "--activities", worker);
        Assert.True(resumed == 0, resumeError);
        Assert.Contains("completed", text, StringComparison.Ordinal);
        using var connection = new SqliteConnection("Data Source=" + db);
        connection.Open();
        Assert.Equal(["n3"], connection.Query<string>("SELECT node_id FROM effects WHERE instance_id = @id;", new { id }));

        // Without the assembly, "Effect" binds to nothing: the node is a manual task and the run waits there.
        var (_, unbound, _) = CliRunner.Run("run", flow, "--answers", flows.Write("answers.json", "{\"answers\": {\"n2\": [{}]}}"), "--format", "json", "--db", db);
        using JsonDocument waiting = JsonDocument.Parse(unbound);
        Assert.Equal("n3", waiting.RootElement.GetProperty("waitingAt")[0].GetProperty("node").GetString());

        var (refused, _, refusal) = CliRunner.Run("run", flow, "--db", db, "--activities", Path.Combine(flows.Root, "missing.dll"));
        Assert.Equal(2, refused);
        Assert.Contains("--activities: the activity assembly", refusal, StringComparison.Ordinal);
    }

    // The crash tests' worker, built beside this test assembly's configuration: its WorkerExtension adds the "Effect" activity.
    internal static string WorkerAssembly()
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string worker = Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Engine.Worker", "bin", configuration, "net10.0", "FlowRunner.Engine.Worker.dll");
        Assert.True(File.Exists(worker), $"worker not built at {worker}");
        return worker;
    }
}
