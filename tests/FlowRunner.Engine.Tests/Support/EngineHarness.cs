using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Storage.Sqlite;
using FlowRunner.Testing;

namespace FlowRunner.Engine.Tests.Support;

/// <summary>A real SQLite file in a temp folder, the real runtime, and a clock the test controls.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);
    private readonly TempFolder _folder = new("flowrunner-engine-");

    private EngineHarness()
    {
        Store = new SqliteInstanceStore(Path.Combine(Folder, "flowrunner.db"), Time, [RecordStore.Pack]);
        Registry = new ActivityRegistry().Add(new OutcomeActivity()).Add(new RecordActivity()).Add(new AskCodeActivity()).Add(new SecretOutputActivity());
        Restart();
    }

    public string Folder => _folder.Path;

    public SqliteInstanceStore Store { get; }

    public ActivityRegistry Registry { get; }

    public ManualTimeProvider Time { get; } = new();

    public FlowCatalog Catalog { get; private set; } = null!;

    public FlowRuntime Runtime { get; private set; } = null!;

    public static async Task<EngineHarness> CreateAsync()
    {
        var harness = new EngineHarness();
        await harness.Store.MigrateAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>A new catalog and runtime on the same database: what a process restart gives.</summary>
    public void Restart(RuntimeOptions? options = null)
    {
        Catalog = new FlowCatalog(Registry, Store);
        Runtime = new FlowRuntime(Store, Catalog, Time, options);
    }

    /// <summary>Writes the flow (and bindings) to the folder and loads it; fails the test on errors.</summary>
    public BoundFlow Load(string name, string flow, string? bindings = null)
    {
        string path = Path.Combine(Folder, name + ".flow");
        File.WriteAllText(path, flow);
        string bindingsPath = FlowBindings.PathFor(path);
        if (bindings is not null)
        {
            File.WriteAllText(bindingsPath, bindings);
        }
        else if (File.Exists(bindingsPath))
        {
            File.Delete(bindingsPath);
        }

        LoadedFlow loaded = Catalog.Load(Folder, path);
        Assert.True(loaded.Flow is not null, string.Join("\n", loaded.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        _sources[loaded.Flow.Hash] = loaded.Source;
        return loaded.Flow;
    }

    /// <summary>Rows of a query on the harness database, read on a connection of its own.</summary>
    public List<T> Query<T>(string sql, object? parameters = null)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Store.Path + ";Pooling=False");
        return [.. Dapper.SqlMapper.Query<T>(connection, sql, parameters)];
    }

    /// <summary>The nodes test.record wrote, in order.</summary>
    public string[] Records() => [.. Query<string>("SELECT node_id FROM records ORDER BY rowid")];

    public Task<RunResult> StartAsync(BoundFlow flow) => Runtime.StartAsync(flow, _sources[flow.Hash], CancellationToken.None);

    public Task<RunResult> ResumeAsync(RunResult run, string node, object? input = null, int? expectedVersion = null) =>
        Runtime.ResumeAsync(run.InstanceId, node, Input(input), expectedVersion, CancellationToken.None);

    public static ImmutableDictionary<string, JsonElement> Input(object? input) =>
        input is null
            ? ImmutableDictionary<string, JsonElement>.Empty
            : JsonSerializer.SerializeToElement(input).EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
