using System.Reflection;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Telemetry;
using FlowRunner.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlowRunner.Hosting;

/// <summary>Composes a FlowRunner host: where state is kept, which activities nodes bind to, which routes are served.</summary>
public sealed class FlowRunnerBuilder
{
    internal FlowRunnerBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps instances (and every registered pack's tables) in the SQLite file at <paramref name="path"/>.</summary>
    public FlowRunnerBuilder UseSqlite(string path)
    {
        Services.RemoveAll<IInstanceStore>();
        Services.AddSingleton<IInstanceStore>(sp => new SqliteInstanceStore(path, sp.GetRequiredService<TimeProvider>(), sp.GetServices<SqlitePackStore>())
        {
            Lease = Lease(sp),
        });
        return this;
    }

    /// <summary>
    /// Keeps instances (and every registered pack's tables) in PostgreSQL (<c>Host=...;Database=...</c>): several nodes
    /// may share it.
    /// </summary>
    public FlowRunnerBuilder UsePostgres(string connectionString)
    {
        Services.RemoveAll<IInstanceStore>();
        Services.AddSingleton<IInstanceStore>(sp => new Storage.Postgres.PostgresInstanceStore(connectionString, sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<Storage.Postgres.PostgresPackStore>())
        {
            Lease = Lease(sp),
        });
        return this;
    }

    private static NodeLease Lease(IServiceProvider services)
    {
        FlowRunnerOptions options = services.GetRequiredService<FlowRunnerOptions>();
        return new NodeLease(options.NodeId, options.LeaseDuration);
    }

    /// <summary>Registers a pack's SQLite tables with the SQLite store.</summary>
    public FlowRunnerBuilder AddSqliteStore(SqlitePackStore store)
    {
        Services.AddSingleton(store);
        return this;
    }

    /// <summary>Registers a pack's PostgreSQL tables with the PostgreSQL store.</summary>
    public FlowRunnerBuilder AddPostgresStore(Storage.Postgres.PostgresPackStore store)
    {
        Services.AddSingleton(store);
        return this;
    }

    /// <summary>Adds an activity handler, created by the container (adding the same type twice does nothing).</summary>
    public FlowRunnerBuilder AddActivities<THandler>()
        where THandler : class, IActivityHandler
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IActivityHandler, THandler>());
        return this;
    }

    /// <summary>Adds every public, concrete activity handler of an assembly.</summary>
    public FlowRunnerBuilder AddActivities(Assembly assembly)
    {
        foreach (Type type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IActivityHandler).IsAssignableFrom(t)))
        {
            Services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IActivityHandler), type));
        }

        return this;
    }

    /// <summary>
    /// Loads the activity assembly at <paramref name="assemblyPath"/> (with the dependencies beside it): adds its public
    /// activity handlers, then lets each of its <see cref="IFlowRunnerExtension"/> types add what else it needs.
    /// </summary>
    /// <exception cref="ArgumentException">The file is missing, is not a .NET assembly, or holds neither handlers nor extensions.</exception>
    public FlowRunnerBuilder AddActivitiesFrom(string assemblyPath)
    {
        string path = Path.GetFullPath(assemblyPath);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"the activity assembly '{assemblyPath}' could not be loaded: there is no such file. Give the path of the built .dll.");
        }

        Assembly assembly;
        try
        {
            assembly = ActivityAssemblies.Load(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or InvalidOperationException)
        {
            throw new ArgumentException($"the activity assembly '{assemblyPath}' could not be loaded: {e.Message} Give the path of a .NET assembly built against this FlowRunner.", e);
        }

        Type[] types = assembly.GetExportedTypes();
        Type[] extensions = [.. types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFlowRunnerExtension).IsAssignableFrom(t))];
        if (extensions.Length == 0 && !types.Any(t => t is { IsClass: true, IsAbstract: false } && typeof(IActivityHandler).IsAssignableFrom(t)))
        {
            throw new ArgumentException(
                $"the activity assembly '{assemblyPath}' has no public activity handler (IActivityHandler) and no IFlowRunnerExtension: there is nothing to add.");
        }

        AddActivities(assembly);
        foreach (Type extension in extensions)
        {
            if (extension.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new ArgumentException($"{extension.FullName} in '{assemblyPath}' has no public parameterless constructor: FlowRunner creates extensions itself.");
            }

            ((IFlowRunnerExtension)Activator.CreateInstance(extension)!).Configure(this);
        }

        return this;
    }

    /// <summary>
    /// Exports traces and metrics over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set (with
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c> and the other standard variables, read by OpenTelemetry);
    /// does nothing when it is not. Traces: the engine's runs and nodes and ASP.NET Core's requests. Metrics: the engine's
    /// instance, step and wait instruments, the identity pack's bcrypt durations, and ASP.NET Core's.
    /// </summary>
    public FlowRunnerBuilder AddOtlpExportFromEnvironment()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return this;
        }

        Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: "flowrunner", serviceVersion: typeof(FlowRunnerBuilder).Assembly.GetName().Version?.ToString(3)))
            .WithTracing(tracing => tracing.AddSource(FlowTelemetry.Name).AddAspNetCoreInstrumentation().AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter(FlowTelemetry.Name, FlowRunner.Activities.Identity.IdentityServices.MeterName).AddAspNetCoreInstrumentation().AddOtlpExporter());
        return this;
    }

    /// <summary>Adds an activity handler instance.</summary>
    public FlowRunnerBuilder AddActivity(IActivityHandler handler)
    {
        Services.AddSingleton(handler);
        return this;
    }

    /// <summary>Serves the routes of a <c>routes.json</c>; <c>MapFlows</c> refuses to start when it has errors.</summary>
    public FlowRunnerBuilder AddRoutes(string file)
    {
        Services.Configure<FlowRunnerOptions>(options => options.RoutesFile = file);
        return this;
    }
}
