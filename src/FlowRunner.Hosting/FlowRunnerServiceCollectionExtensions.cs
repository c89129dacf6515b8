using System.Text.Json.Serialization;
using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Hosting;

/// <summary>Registers FlowRunner in any ASP.NET Core app.</summary>
public static class FlowRunnerServiceCollectionExtensions
{
    /// <summary>The authorization policy of the generic flow and instance API.</summary>
    public const string AdminPolicy = "flowrunner-admin";

    /// <summary>
    /// Adds the store, the activities, the runtime and the served flows, bearer authentication with FlowRunner's access
    /// tokens, and authorization that denies by default: every endpoint needs a valid token unless marked public.
    /// </summary>
    public static IServiceCollection AddFlowRunner(this IServiceCollection services, Action<FlowRunnerOptions> configure)
    {
        var options = new FlowRunnerOptions();
        configure(options);
        IdentityOptions identityOptions = options.Identity ?? throw new InvalidOperationException("FlowRunnerOptions.Identity (keys) must be set");
        var identity = new IdentityServices(identityOptions);
        var store = new SqliteInstanceStore(options.Database, TimeProvider.System, [IdentityActivities.SqliteStore]);

        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(identity);
        services.AddSingleton<IInstanceStore>(store);
        services.AddSingleton(_ => new ActivityRegistry().AddIdentity(identity));
        services.AddSingleton(sp => new FlowCatalog(sp.GetRequiredService<ActivityRegistry>(), store));
        services.AddSingleton(sp => new FlowRuntime(store, sp.GetRequiredService<FlowCatalog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FlowHost>();
        services.AddSingleton<Routes.RouteLimits>();
        services.AddHostedService<FlowRunnerHostedService>();

        // Request lines carry paths, and seed 002's API puts a secret in one (GET /api/auth/reset/{token}):
        // the hosting diagnostics logger is held at Warning so no request path (and no token) is ever logged.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        services.AddProblemDetails();
        services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddOpenApi(options => options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Routes.RouteDefinition>().FirstOrDefault() is { } route)
            {
                Routes.RouteOpenApi.Describe(operation, route);
            }

            return Task.CompletedTask;
        }));
        services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireRole("admin"));

        // Nothing FlowRunner issues is protected by ASP.NET Data Protection (tokens are JWTs signed with the
        // identity keys, sessions live in the database), but authentication registers it, and its default key
        // ring is written to the user's profile (or kept in memory with a warning when there is none). The
        // ephemeral provider keeps keys in memory, and without the framework's start-up service (which loads,
        // and creates, the on-disk key ring whether or not anything uses it) nothing is written or logged. The
        // hosting tests fail if a Data Protection log line comes back.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        foreach (ServiceDescriptor keyRingStartup in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.Name == "DataProtectionHostedService").ToList())
        {
            services.Remove(keyRingStartup);
        }

        return services;
    }
}
