using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Activities;
using FlowRunner.Hosting.Routes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Hosting.Identity;

/// <summary>Adds the identity pack to a FlowRunner host.</summary>
public static class IdentityHostingExtensions
{
    /// <summary>The route functions the identity pack adds, for checking a routes file without a host.</summary>
    public static IReadOnlySet<string> RouteFunctionNames { get; } = new HashSet<string>(StringComparer.Ordinal) { HashRouteFunction.FunctionName };

    /// <summary>
    /// The identity activities (login, 2FA, refresh, reset) with their keys, their tables, the <c>hash</c> route
    /// function, and bearer authentication with the access tokens they issue.
    /// </summary>
    public static FlowRunnerBuilder AddIdentityActivities(this FlowRunnerBuilder builder, IdentityOptions options)
    {
        var identity = new IdentityServices(options);
        builder.Services.AddSingleton(identity);
        foreach (IActivityHandler handler in IdentityActivities.Handlers(identity))
        {
            builder.AddActivity(handler);
        }

        builder.AddSqliteStore(IdentityActivities.SqliteStore);
        builder.AddPostgresStore(IdentityActivities.PostgresStore);
        builder.Services.AddSingleton<IRouteFunction>(new HashRouteFunction(identity));
        builder.Services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
        FlowRunnerServiceCollectionExtensions.KeepDataProtectionInMemory(builder.Services);
        return builder;
    }
}
