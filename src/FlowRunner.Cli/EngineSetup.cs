using FlowRunner.Activities.Identity;
using FlowRunner.Cli.Commands;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Hosting;
using FlowRunner.Hosting.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Cli;

/// <summary>
/// The registry, store, catalog and runtime the engine commands share, composed as <c>serve</c> composes them
/// (<see cref="FlowRunnerBuilder"/>): the identity activities, the gateway's tables, and <c>--activities</c> assemblies.
/// </summary>
internal sealed class EngineSetup
{
    public const string DefaultDatabase = "flowrunner.db";

    private EngineSetup(ServiceProvider services)
    {
        Time = services.GetRequiredService<TimeProvider>();
        Store = services.GetRequiredService<IInstanceStore>();
        Identity = services.GetRequiredService<IdentityServices>();
        Registry = services.GetRequiredService<ActivityRegistry>();
        Catalog = services.GetRequiredService<FlowCatalog>();
        Runtime = services.GetRequiredService<FlowRuntime>();
    }

    /// <exception cref="ConfigurationProblemException">An activity assembly cannot be loaded or adds nothing.</exception>
    private static EngineSetup Compose(string database, IReadOnlyList<string> activities)
    {
        var services = new ServiceCollection();
        FlowRunnerBuilder builder = services.AddFlowRunner()
            .UseDatabase(database)
            .AddIdentityActivities(IdentityConfiguration.ForDatabase(database))
            .AddSqliteStore(Gateway.GatewayHostingExtensions.SqliteStore)
            .AddPostgresStore(Gateway.GatewayHostingExtensions.PostgresStore);
        AddActivityAssemblies(builder, activities);
        return new EngineSetup(services.BuildServiceProvider());
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
    public static async Task<EngineSetup?> OpenExistingAsync(CliConsole console, string database, CancellationToken cancellationToken, bool recover = true, IReadOnlyList<string>? activities = null)
    {
        if (!DatabaseAddress.IsPostgres(database) && !File.Exists(database))
        {
            console.Error.WriteLine($"flowrunner: database '{database}' does not exist; pass --db with the file 'flowrunner run' used");
            return null;
        }

        return await OpenAsync(database, cancellationToken, recover, activities, console.Error).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the database (migrating it) and, unless told not to, recovers interrupted instances and due timers, with
    /// the handlers of the <paramref name="activities"/> assemblies (<c>--activities</c>) besides the identity pack's.
    /// An instance this process cannot run as it started is left as it was, and <paramref name="warnings"/> says why.
    /// </summary>
    /// <exception cref="ConfigurationProblemException">An activity assembly cannot be loaded or adds nothing.</exception>
    public static async Task<EngineSetup> OpenAsync(string database, CancellationToken cancellationToken, bool recover = true, IReadOnlyList<string>? activities = null, TextWriter? warnings = null)
    {
        EngineSetup setup = Compose(database, activities ?? []);
        await setup.Store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (recover)
        {
            setup.Runtime.InstanceRefused += (_, e) => warnings?.WriteLine($"flowrunner: warning: {e.Reason}");
            await setup.Runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
        }

        return setup;
    }
}
