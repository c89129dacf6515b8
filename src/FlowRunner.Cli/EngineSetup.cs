using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Hosting;
using FlowRunner.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Cli;

/// <summary>The registry, store, catalog and runtime the engine commands share.</summary>
internal sealed class EngineSetup
{
    public const string DefaultDatabase = "flowrunner.db";

    private EngineSetup(string database, TimeProvider time)
    {
        Time = time;
        Store = DatabaseAddress.IsPostgres(database)
            ? new Storage.Postgres.PostgresInstanceStore(DatabaseAddress.PostgresConnectionString(database), time, [IdentityActivities.PostgresStore, Gateway.GatewayHostingExtensions.PostgresStore])
            : new SqliteInstanceStore(database, time, [IdentityActivities.SqliteStore, Gateway.GatewayHostingExtensions.SqliteStore]);
        Identity = new IdentityServices(IdentityConfiguration.ForDatabase(database));
        Registry = new ActivityRegistry().AddIdentity(Identity);
        Catalog = new FlowCatalog(Registry, Store);
        Runtime = new FlowRuntime(Store, Catalog, time);
    }

    /// <summary>A registry of every activity the CLI knows, with throwaway keys: for binding and validating flows.</summary>
    public static ActivityRegistry ValidationRegistry { get; } = NewValidationRegistry();

    /// <summary>The validation registry with the handlers activity assemblies add (as <c>serve --activities</c> loads them).</summary>
    /// <exception cref="ConfigurationProblemException">An assembly cannot be loaded or adds nothing.</exception>
    public static ActivityRegistry ValidationRegistryWith(IReadOnlyList<string> assemblies)
    {
        if (assemblies.Count == 0)
        {
            return ValidationRegistry;
        }

        var services = new ServiceCollection();
        AddActivityAssemblies(services.AddFlowRunner(), assemblies);
        ActivityRegistry registry = NewValidationRegistry();
        using ServiceProvider provider = services.BuildServiceProvider();
        foreach (IActivityHandler handler in provider.GetServices<IActivityHandler>())
        {
            registry.Add(handler);
        }

        return registry;
    }

    /// <summary>Loads the <c>--activities</c> assemblies into a host being composed.</summary>
    /// <exception cref="ConfigurationProblemException">An assembly cannot be loaded or adds nothing.</exception>
    public static void AddActivityAssemblies(FlowRunnerBuilder builder, IEnumerable<string> assemblies)
    {
        foreach (string assembly in assemblies)
        {
            try
            {
                builder.AddActivitiesFrom(assembly);
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationProblemException("--activities: " + e.Message);
            }
        }
    }

    private static ActivityRegistry NewValidationRegistry()
    {
        var registry = new ActivityRegistry().AddIdentity(new IdentityServices(IdentityConfiguration.ForValidation()));
        foreach (IActivityHandler handler in FlowRunner.Gateway.GatewayHostingExtensions.HandlersForValidation())
        {
            registry.Add(handler);
        }

        return registry;
    }

    /// <summary>The activities, with this database's keys.</summary>
    public ActivityRegistry Registry { get; }

    /// <summary>The identity services (password hashing for the users commands).</summary>
    public IdentityServices Identity { get; }

    public IInstanceStore Store { get; }

    /// <summary>The clock of every command.</summary>
    public TimeProvider Time { get; }

    public FlowCatalog Catalog { get; }

    public FlowRuntime Runtime { get; }

    /// <summary>
    /// Opens an existing database, or explains on standard error that it does not exist and returns null.
    /// Commands that run instances recover interrupted ones and fire due timers first; commands that only read
    /// (listing, showing, drawing) pass <paramref name="recover"/> false and change nothing, so looking at a
    /// database that a running <c>serve</c> owns never runs its instances in a second process.
    /// </summary>
    public static async Task<EngineSetup?> OpenExistingAsync(CliConsole console, string database, CancellationToken cancellationToken, bool recover = true)
    {
        if (!DatabaseAddress.IsPostgres(database) && !File.Exists(database))
        {
            console.Error.WriteLine($"flowrunner: database '{database}' does not exist; pass --db with the file 'flowrunner run' used");
            return null;
        }

        return await OpenAsync(database, cancellationToken, recover).ConfigureAwait(false);
    }

    /// <summary>Opens the database (migrating it) and, unless told not to, recovers interrupted instances and due timers.</summary>
    public static async Task<EngineSetup> OpenAsync(string database, CancellationToken cancellationToken, bool recover = true)
    {
        var setup = new EngineSetup(database, TimeProvider.System);
        await setup.Store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (recover)
        {
            await setup.Runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
        }

        return setup;
    }
}
