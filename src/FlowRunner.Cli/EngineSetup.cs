using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Runtime;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Cli;

/// <summary>The registry, store, catalog and runtime the engine commands share.</summary>
internal sealed class EngineSetup
{
    public const string DefaultDatabase = "flowrunner.db";

    private EngineSetup(string database)
    {
        Store = new SqliteInstanceStore(database);
        Catalog = new FlowCatalog(Registry, Store);
        Runtime = new FlowRuntime(Store, Catalog, TimeProvider.System);
    }

    /// <summary>The activity handlers the CLI knows. Activity packs (identity, gateway) register here as they land.</summary>
    public static ActivityRegistry Registry { get; } = new();

    public SqliteInstanceStore Store { get; }

    public FlowCatalog Catalog { get; }

    public FlowRuntime Runtime { get; }

    /// <summary>Opens an existing database, or explains on standard error that it does not exist and returns null.</summary>
    public static async Task<EngineSetup?> OpenExistingAsync(CliConsole console, string database, CancellationToken cancellationToken)
    {
        if (!File.Exists(database))
        {
            console.Error.WriteLine($"flowrunner: database '{database}' does not exist; pass --db with the file 'flowrunner run' used");
            return null;
        }

        return await OpenAsync(database, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the database (migrating it) and recovers interrupted instances and due timers.</summary>
    public static async Task<EngineSetup> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var setup = new EngineSetup(database);
        await setup.Store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await setup.Runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
        return setup;
    }
}
