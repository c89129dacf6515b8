using System.Net.Http.Headers;
using System.Security.Cryptography;
using FlowRunner.Activities.Identity;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Hosting.Tests;

/// <summary>An ASP.NET Core app embedding FlowRunner, on a real Kestrel at 127.0.0.1 with a free port.</summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelHost(WebApplication app, string folder, IdentityServices identity)
    {
        _app = app;
        Folder = folder;
        Identity = identity;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public string Folder { get; }

    public string FlowsFolder => Path.Combine(Folder, "flows");

    public IdentityServices Identity { get; }

    public HttpClient Client { get; }

    /// <summary>Every log line written so far.</summary>
    public CapturingLoggerProvider Logs { get; private init; } = new();

    public static async Task<KestrelHost> StartAsync()
    {
        string folder = Directory.CreateTempSubdirectory("flowrunner-host-").FullName;
        string flows = Path.Combine(folder, "flows");
        CopyFlows(Path.Combine(RepoRoot(), "flows"), flows);
        var identityOptions = new IdentityOptions
        {
            BcryptCost = 4,
            Jwt = new JwtOptions { Issuer = "flowrunner", Audience = "flowrunner-api", SigningKey = RandomNumberGenerator.GetBytes(32) },
            SecretKey = RandomNumberGenerator.GetBytes(32),
            Pepper = RandomNumberGenerator.GetBytes(32),
        };

        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddFlowRunner(o =>
        {
            o.FlowsFolder = flows;
            o.Database = Path.Combine(folder, "host.db");
            o.Identity = identityOptions;
        });
        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFlows();
        await app.StartAsync();
        return new KestrelHost(app, folder, app.Services.GetRequiredService<IdentityServices>()) { Logs = logs };
    }

    /// <summary>Creates a user in the host's database, as <c>flowrunner users create</c> does.</summary>
    public async Task CreateUserAsync(string email, string password, string role = "user")
    {
        var store = new SqliteInstanceStore(Path.Combine(Folder, "host.db"));
        await using IStepTransaction tx = await store.BeginStepAsync(CancellationToken.None);
        await IdentityStore.CreateUserAsync(tx, email, Identity.Passwords.Hash(password), role, DateTimeOffset.UtcNow);
        await tx.CommitAsync(CancellationToken.None);
    }

    /// <summary>A client carrying an access token with this role, signed with the server's key.</summary>
    public HttpClient ClientWithRole(string role)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Identity.Tokens(TimeProvider.System).IssueAccessToken("user-" + role, role + "@example.com", role));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    private static void CopyFlows(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowRunner.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FlowRunner.sln not found");
    }
}
