using System.Net.Http.Headers;
using FlowRunner.Activities.Identity;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway;
using FlowRunner.Hosting;
using FlowRunner.Hosting.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Testing;

/// <summary>An ASP.NET Core app embedding FlowRunner, on a real Kestrel at 127.0.0.1 with a free port.</summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly TempFolder _folder;

    private KestrelHost(WebApplication app, TempFolder folder, IdentityServices identity)
    {
        _app = app;
        _folder = folder;
        Identity = identity;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        GrpcAddress = new Uri(app.Urls.Last());
    }

    /// <summary>The gateway's gRPC endpoint (HTTP/2 without TLS).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The gateway's open event streams.</summary>
    internal FlowRunner.Gateway.Push.PushHub Hub => _app.Services.GetRequiredService<FlowRunner.Gateway.Push.PushHub>();

    /// <summary>Stops the host as a shutdown does (the test disposes it afterwards).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>The gateway's options (its key, and the service token it shares with the backend).</summary>
    public FlowRunner.Gateway.GatewayOptions Gateway => _app.Services.GetRequiredService<FlowRunner.Gateway.GatewayOptions>();

    public string Folder => _folder.Path;

    public string FlowsFolder => _folder.File("flows");

    /// <summary>The host's database file.</summary>
    public string Database => _folder.File("host.db");

    public IdentityServices Identity { get; }

    public HttpClient Client { get; }

    /// <summary>Every log line written so far.</summary>
    public CapturingLoggerProvider Logs { get; private init; } = new();

    /// <summary>
    /// Starts a host serving the shipped flows and routes; <paramref name="identity"/> replaces the test identity options
    /// (bcrypt cost 4), <paramref name="configure"/> changes FlowRunner's options.
    /// </summary>
    public static async Task<KestrelHost> StartAsync(IdentityOptions? identity = null, Action<FlowRunnerOptions>? configure = null,
        Func<FlowRunner.Gateway.GatewayOptions, FlowRunner.Gateway.GatewayOptions>? gateway = null, Action<string>? editFlows = null,
        LogLevel logLevel = LogLevel.Information)
    {
        var folder = new TempFolder("flowrunner-host-");
        string flows = folder.Copy(RepoPaths.Flows, "flows");
        editFlows?.Invoke(flows);
        IdentityOptions identityOptions = identity ?? TestKeys.Identity();
        FlowRunner.Gateway.GatewayOptions gatewayOptions = TestKeys.Gateway(identityOptions.ServiceToken ?? "no service token");
        gatewayOptions = gateway?.Invoke(gatewayOptions) ?? gatewayOptions;

        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        // The API first, then the gateway's gRPC endpoint (HTTP/2 only), as flowrunner serve listens.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Services.AddFlowRunner(o =>
            {
                o.FlowsFolder = flows;
                configure?.Invoke(o);
            })
            .UseSqlite(folder.File("host.db"))
            .AddIdentityActivities(identityOptions)
            .AddGateway(gatewayOptions)
            .AddRoutes(Path.Combine(flows, "routes.json"));
        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFlows();
        app.MapGateway();
        await app.StartAsync();
        return new KestrelHost(app, folder, app.Services.GetRequiredService<IdentityServices>()) { Logs = logs };
    }

    /// <summary>The host's store.</summary>
    public IInstanceStore Store => _app.Services.GetRequiredService<IInstanceStore>();

    /// <summary>Creates a user in the host's database, as <c>flowrunner users create</c> does.</summary>
    public async Task CreateUserAsync(string email, string password, string role = "user")
    {
        string hash = Identity.Passwords.Hash(password);
        await using IUnitOfWork work = await Store.BeginWorkAsync(CancellationToken.None);
        await work.Store<IIdentityStore>().CreateUserAsync(email, hash, role, TimeProvider.System.GetUtcNow());
        await work.CommitAsync(CancellationToken.None);
    }

    /// <summary>A client carrying an access token with this role, signed with the server's key.</summary>
    public HttpClient ClientWithRole(string role)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken(role));
        return client;
    }

    /// <summary>An access token with this role, signed with the server's key.</summary>
    public string AccessToken(string role) => Identity.Tokens(TimeProvider.System).IssueAccessToken("user-" + role, role + "@example.com", role);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}
