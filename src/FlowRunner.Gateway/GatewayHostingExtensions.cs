using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway.Backend;
using FlowRunner.Gateway.Data;
using FlowRunner.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;

namespace FlowRunner.Gateway;

/// <summary>Adds the API gateway of seed 004 to a FlowRunner host.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>The gateway's tables in SQLite (replay store, budgets): register with <see cref="Storage.Sqlite.SqliteInstanceStore"/>.</summary>
    public static Storage.Sqlite.SqlitePackStore SqliteStore => SqlGatewayStore.SqlitePack;

    /// <summary>The gateway's tables in PostgreSQL: register with <see cref="Storage.Postgres.PostgresInstanceStore"/>.</summary>
    public static Storage.Postgres.PostgresPackStore PostgresStore => SqlGatewayStore.PostgresPack;

    /// <summary>
    /// The gateway's handlers (the checks of the command flow), its tables (replay store, budgets), the backend client
    /// (with a timeout and no retries) and gRPC. Map the service with <see cref="MapGateway"/>.
    /// </summary>
    public static FlowRunnerBuilder AddGateway(this FlowRunnerBuilder builder, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton(options);
        // HttpClient logs each request's address; the backend's paths name sessions, so only its warnings are logged.
        builder.Services.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient." + BackendClient.HttpClientName, LogLevel.Warning));
        builder.Services.AddHttpClient(BackendClient.HttpClientName, http => http.MaxResponseContentBufferSize = 1024 * 1024)
            .AddResilienceHandler("backend", pipeline => pipeline.AddTimeout(options.BackendTimeout));
        builder.Services.AddHttpClient(BackendClient.StreamingClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient." + BackendClient.StreamingClientName, LogLevel.Warning));
        builder.Services.AddSingleton(sp => new BackendClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(BackendClient.HttpClientName),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(BackendClient.StreamingClientName),
            options,
            () => ThisServer(sp)));
        builder.Services.AddSingleton<Push.PushHub>();
        builder.Services.AddHostedService<Push.Dispatcher>();
        builder.Services.AddSingleton(sp => new GatewayServices(options, sp.GetRequiredService<BackendClient>(), sp.GetRequiredService<TimeProvider>()));
        // The handlers are made once per container, together (they share its services and hub), and each registered.
        builder.Services.AddSingleton(sp => new GatewayHandlers(GatewayActivities.Handlers(sp.GetRequiredService<GatewayServices>(), sp.GetRequiredService<Push.PushHub>())));
        for (int i = 0; i < HandlerCount; i++)
        {
            int index = i;
            builder.Services.AddSingleton<IActivityHandler>(sp => sp.GetRequiredService<GatewayHandlers>().All[index]);
        }

        builder.AddSqliteStore(SqliteStore);
        builder.AddPostgresStore(PostgresStore);
        builder.Services.AddHostedService<GatewayPruning>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        return builder;
    }

    /// <summary>
    /// Maps the gateway's gRPC service (its callers prove themselves by signature, so it needs no bearer token) and its
    /// public auth routes.
    /// </summary>
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        // Seed 004: at shutdown the hub closes first (streams end with UNAVAILABLE), so gRPC then stops gracefully.
        Push.PushHub hub = endpoints.ServiceProvider.GetRequiredService<Push.PushHub>();
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(hub.CloseAll);
        endpoints.MapGrpcService<GatewayService>().AllowAnonymous();
        PublicAuthEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>The handlers with throwaway keys: enough to bind and validate flows, which never sign or call anything.</summary>
    public static IEnumerable<IActivityHandler> HandlersForValidation() => GatewayActivities.Handlers(Validation(), new Push.PushHub(TimeProvider.System));

    private static int HandlerCount { get; } = HandlersForValidation().Count();

    private sealed record GatewayHandlers(IReadOnlyList<IActivityHandler> All);

    private static GatewayServices Validation()
    {
        var options = new GatewayOptions { SigningKey = SigningKey.NewSeed(), Backend = new Uri("http://127.0.0.1:9/"), ServiceToken = "validation" };
        return new GatewayServices(options, new BackendClient(new HttpClient(), new HttpClient(), options, () => options.Backend!), TimeProvider.System);
    }

    // The first address this server listens at (its HTTP endpoints are bound before the gRPC ones), 0.0.0.0 read as loopback.
    private static Uri ThisServer(IServiceProvider services)
    {
        string address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the gateway's backend is this server, which listens nowhere yet: set GatewayOptions.Backend");
        var uri = new UriBuilder(address);
        if (uri.Host is "0.0.0.0" or "[::]" or "*" or "+")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }

    /// <summary>Every minute: expired request-id reservations go (the runtime's retention sweep prunes the buckets).</summary>
    private sealed class GatewayPruning(IInstanceStore store, TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await using IUnitOfWork work = await store.BeginWorkAsync(stoppingToken).ConfigureAwait(false);
                await work.Store<IGatewayStore>().PruneAsync(time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false);
                await work.CommitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
