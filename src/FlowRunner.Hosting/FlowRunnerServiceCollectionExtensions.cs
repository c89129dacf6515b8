using System.Text.Json.Serialization;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowRunner.Hosting;

/// <summary>Registers FlowRunner in any ASP.NET Core app.</summary>
public static class FlowRunnerServiceCollectionExtensions
{
    /// <summary>The authorization policy of the generic flow and instance API.</summary>
    public const string AdminPolicy = "flowrunner-admin";

    /// <summary>The authorization policy of the internal routes services call (the gateway's session lookup and user routes).</summary>
    public const string ServicePolicy = "flowrunner-service";

    /// <summary>
    /// Adds the runtime and the served flows, and authorization that denies by default: every endpoint needs an
    /// authenticated user unless marked public, and the generic API the <c>admin</c> role. Compose the rest on the
    /// builder: a store (<see cref="FlowRunnerBuilder.UseSqlite"/>), activities, routes.
    /// </summary>
    public static FlowRunnerBuilder AddFlowRunner(this IServiceCollection services, Action<FlowRunnerOptions>? configure = null)
    {
        services.Configure(configure ?? (_ => { }));
        // The limits are shared token buckets, which must fill up within RateBuckets.LongestRefill.
        services.AddOptions<FlowRunnerOptions>()
            .Validate(o => o.PublicRequestsPerMinute >= 1 && o.AccountAttemptsPerWindow >= 1, "PublicRequestsPerMinute and AccountAttemptsPerWindow must be at least 1")
            .Validate(o => o.AccountWindow > TimeSpan.Zero && o.AccountWindow <= RateBuckets.LongestRefill,
                $"AccountWindow must be longer than zero and at most {RateBuckets.LongestRefill.TotalMinutes} minutes")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "LeaseDuration must be at least a second")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FlowRunnerOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IInstanceStore>(_ => throw new InvalidOperationException(
            "FlowRunner has no store: call UseSqlite(path) or UsePostgres(connectionString) on the builder AddFlowRunner returns"));
        services.AddSingleton(sp =>
        {
            var registry = new ActivityRegistry();
            foreach (IActivityHandler handler in sp.GetServices<IActivityHandler>())
            {
                registry.Add(handler);
            }

            return registry;
        });
        services.AddSingleton(sp => new FlowCatalog(sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<IInstanceStore>()));
        services.AddSingleton(sp => new FlowRuntime(sp.GetRequiredService<IInstanceStore>(), sp.GetRequiredService<FlowCatalog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FlowHost>();
        services.AddSingleton<Routes.RouteLimits>();
        services.AddHostedService<FlowRunnerHostedService>();

        // Request lines carry paths, and seed 002's API puts a secret in one (GET /api/auth/reset/{token}):
        // the hosting diagnostics logger is held at Warning so no request path (and no token) is ever logged.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        services.AddProblemDetails();
        services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddOpenApi(FlowRunnerOpenApi.Configure);
        // A user is someone with an id: a service presenting the service token is authenticated, yet no user.
        AuthorizationPolicy user = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(System.Security.Claims.ClaimTypes.NameIdentifier).Build();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(user)
            .SetDefaultPolicy(user)
            .AddPolicy(AdminPolicy, policy => policy.RequireRole("admin"))
            .AddPolicy(ServicePolicy, policy => policy.RequireRole(Identity.BearerAuthenticationHandler.ServiceRole));

        KeepDataProtectionInMemory(services);
        return new FlowRunnerBuilder(services);
    }

    /// <summary>
    /// Nothing FlowRunner issues is protected by ASP.NET Data Protection (tokens are JWTs signed with the identity keys,
    /// sessions live in the database), but authentication registers it, and its default key ring is written to the
    /// user's profile. Ephemeral keys, and no start-up service that creates the on-disk ring: nothing is written or
    /// logged. Called again after anything that adds authentication (the hosting tests fail on a Data Protection log line).
    /// </summary>
    internal static void KeepDataProtectionInMemory(IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        foreach (ServiceDescriptor keyRingStartup in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.Name == "DataProtectionHostedService").ToList())
        {
            services.Remove(keyRingStartup);
        }
    }
}
