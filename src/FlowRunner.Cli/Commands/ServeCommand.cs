using System.CommandLine;
using FlowRunner.Gateway;
using FlowRunner.Hosting;
using FlowRunner.Hosting.Identity;
using FlowRunner.Hosting.Routes;
using FlowRunner.Language.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace FlowRunner.Cli.Commands;

/// <summary>
/// <c>flowrunner serve [folder] [--db path] [--urls http://127.0.0.1:5080] [--grpc-urls http://127.0.0.1:5081]
/// [--gateway-backend URL] [--public-url URL] [--forwarded-headers proxy]</c>: hosts the flows as an HTTP API, and the
/// API gateway's gRPC service on its own HTTP/2 port.
/// </summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public const string DefaultGrpcUrls = "http://127.0.0.1:5081";

    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("folder") { Description = "The flows to serve.", DefaultValueFactory = _ => "flows" };
        Option<string> database = EngineOptions.Database();
        var urls = new Option<string>("--urls") { Description = "Where to listen (https:// URLs need --certificate).", DefaultValueFactory = _ => DefaultUrls };
        var certificate = new Option<string?>("--certificate")
        {
            Description = "A PKCS#12 (.pfx) certificate for HTTPS; its password comes from FLOWRUNNER_CERTIFICATE_PASSWORD. With it, HSTS is sent and HTTP redirects to HTTPS.",
        };
        var publicUrl = new Option<string?>("--public-url")
        {
            Description = "The address users reach the server at, for links in emails (password reset); the first of --urls by default.",
        };
        var forwarded = new Option<string[]>("--forwarded-headers")
        {
            Description = "Believe X-Forwarded-For from this proxy (an address or a network such as 10.0.0.0/8), so limits count clients, not the proxy; repeat for more.",
        };
        var grpcUrls = new Option<string>("--grpc-urls")
        {
            Description = "Where the API gateway's gRPC service listens (HTTP/2 only; https:// URLs need --certificate).",
            DefaultValueFactory = _ => DefaultGrpcUrls,
        };
        var backend = new Option<string?>("--gateway-backend")
        {
            Description = "The backend the gateway calls (its session lookup and user routes, with FLOWRUNNER_SERVICE_TOKEN); this server by default.",
        };
        var publicRate = new Option<int>("--public-requests-per-minute")
        {
            Description = "Requests a client address may make to public routes per minute, counted across every node on the database.",
            DefaultValueFactory = _ => new FlowRunnerOptions().PublicRequestsPerMinute,
        };
        publicRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--public-requests-per-minute must be at least 1");
            }
        });
        Option<string[]> activities = EngineOptions.Activities("Load activity handlers from this .NET assembly (and what its IFlowRunnerExtension types add).");
        var command = new Command("serve", "Serve every flow of a folder as an HTTP API (SQLite by default), and the API gateway over gRPC.")
        {
            folder, database, urls, grpcUrls, backend, certificate, publicUrl, forwarded, publicRate, activities,
        };
        command.SetAction((r, ct) => RunAsync(console, new ServeSettings(r.GetValue(folder)!, r.GetValue(database)!, r.GetValue(urls)!, r.GetValue(certificate), r.GetValue(publicUrl),
            r.GetValue(forwarded) ?? [], r.GetValue(grpcUrls), r.GetValue(backend))
        { PublicRequestsPerMinute = r.GetValue(publicRate), Activities = r.GetValue(activities) ?? [] }, ct));
        return command;
    }

    /// <summary>Builds the web application (also used by the tests with port 0).</summary>
    public static WebApplication Build(string folder, string database, string urls, string? certificate = null, string? publicUrl = null, IEnumerable<string>? trustedProxies = null) =>
        Build(new ServeSettings(folder, database, urls, certificate, publicUrl, [.. trustedProxies ?? []], GrpcUrls: null, GatewayBackend: null));

    /// <summary>Builds the web application: the HTTP API on <see cref="ServeSettings.Urls"/>, and gRPC on <see cref="ServeSettings.GrpcUrls"/> when given.</summary>
    public static WebApplication Build(ServeSettings settings)
    {
        (string folder, string database, string urls, string? certificate, string? publicUrl, string[] trustedProxies, string? grpcUrls, string? gatewayBackend) = settings;
        System.Net.IPNetwork[] proxies = [.. trustedProxies.Select(Proxy)];
        Uri? backend = gatewayBackend is null ? null
            : Uri.TryCreate(gatewayBackend, UriKind.Absolute, out Uri? b) && b.Scheme is "http" or "https" ? b
            : throw new ConfigurationProblemException($"--gateway-backend '{gatewayBackend}' is not an absolute http(s) address, such as http://10.0.0.7:5080");
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(Endpoints(urls, grpcUrls));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (certificate is not null)
            {
                var loaded = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                    certificate, Environment.GetEnvironmentVariable("FLOWRUNNER_CERTIFICATE_PASSWORD"));
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = loaded);
            }
        });
        if (certificate is not null)
        {
            builder.Services.AddHsts(hsts =>
            {
                hsts.MaxAge = TimeSpan.FromDays(365);
                hsts.IncludeSubDomains = true;
                hsts.ExcludedHosts.Clear(); // also for 127.0.0.1 and localhost: an operator who configures a certificate means it
            });
        }

        FlowRunnerBuilder flowRunner = builder.Services.AddFlowRunner(o =>
            {
                o.FlowsFolder = folder;
                o.PublicRequestsPerMinute = settings.PublicRequestsPerMinute;
                foreach (System.Net.IPNetwork proxy in proxies)
                {
                    o.TrustedProxies.Add(proxy);
                }
            })
            .UseDatabase(database)
            .AddIdentityActivities(IdentityConfiguration.ForDatabase(database) with { ResetLinkBase = ResetLinkBase(publicUrl, urls) })
            .AddGateway(IdentityConfiguration.GatewayForDatabase(database, backend))
            .AddOtlpExportFromEnvironment();
        EngineSetup.AddActivityAssemblies(flowRunner, settings.Activities);

        string routes = Path.Combine(folder, RouteFile.FileName);
        if (File.Exists(routes))
        {
            flowRunner.AddRoutes(routes);
        }

        WebApplication app = builder.Build();
        if (certificate is not null)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFlows();
        app.MapGateway();
        return app;
    }

    // Kestrel's endpoints: the HTTP API's first (so this server's first address is the API, which the gateway calls
    // by default), then the gateway's gRPC endpoints, HTTP/2 only (gRPC without TLS needs it).
    private static Dictionary<string, string?> Endpoints(string urls, string? grpcUrls)
    {
        var endpoints = new Dictionary<string, string?>(StringComparer.Ordinal);
        string[] http = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] grpc = (grpcUrls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (int i = 0; i < http.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:a-http-{i}:Url"] = http[i];
        }

        for (int i = 0; i < grpc.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:b-grpc-{i}:Url"] = grpc[i];
            endpoints[$"Kestrel:Endpoints:b-grpc-{i}:Protocols"] = "Http2";
        }

        return endpoints;
    }

    /// <summary>Where reset links point: the reset route at <paramref name="publicUrl"/>, or else at the first of <paramref name="urls"/>.</summary>
    /// <exception cref="ConfigurationProblemException">No absolute http(s) address users could reach.</exception>
    public static string ResetLinkBase(string? publicUrl, string urls)
    {
        string address = publicUrl ?? urls.Split(';')[0];
        bool usable = Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0
            && (publicUrl is not null || uri.Host is not ("*" or "+" or "0.0.0.0" or "[::]"));
        return usable
            ? uri!.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/api/auth/reset/"
            : throw new ConfigurationProblemException(publicUrl is null
                ? $"reset links need the address users reach the server at, and --urls '{urls}' does not give one: set --public-url, e.g. https://auth.example.com"
                : $"--public-url '{publicUrl}' is not an absolute http(s) address: give the one users reach the server at, e.g. https://auth.example.com");
    }

    /// <summary>A trusted proxy: an address (one host) or a network in CIDR notation.</summary>
    /// <exception cref="ConfigurationProblemException">It is neither.</exception>
    public static System.Net.IPNetwork Proxy(string text) =>
        System.Net.IPNetwork.TryParse(text, out System.Net.IPNetwork network) ? network
        : System.Net.IPAddress.TryParse(text, out System.Net.IPAddress? address) ? new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8)
        : throw new ConfigurationProblemException($"--forwarded-headers '{text}' is neither an address nor a network: give the proxy's address (10.0.0.5) or network (10.0.0.0/8)");

    private static async Task<int> RunAsync(CliConsole console, ServeSettings settings, CancellationToken cancellationToken)
    {
        (string folder, string database, string urls, string? certificate, _, _, string? grpcUrls, _) = settings;
        if (certificate is not null && !File.Exists(certificate))
        {
            console.Error.WriteLine($"flowrunner: certificate '{certificate}' does not exist");
            return ExitCodes.UsageOrIo;
        }

        if (certificate is null && (urls + ";" + grpcUrls).Contains("https://", StringComparison.OrdinalIgnoreCase))
        {
            console.Error.WriteLine("flowrunner: an https:// URL needs --certificate <file.pfx>");
            return ExitCodes.UsageOrIo;
        }

        if (!Directory.Exists(folder))
        {
            console.Error.WriteLine($"flowrunner: '{folder}' is not a folder of flows");
            return ExitCodes.UsageOrIo;
        }

        WebApplication app;
        try
        {
            app = Build(settings);
        }
        catch (FlowRunnerConfigurationException e)
        {
            foreach (Diagnostic diagnostic in e.Diagnostics)
            {
                console.Error.Write(DiagnosticFormatter.Format(diagnostic, e.File));
            }

            console.Error.WriteLine($"flowrunner: '{e.File.Path}' has errors; nothing is served");
            return ExitCodes.Failed;
        }

        await using WebApplication started = app;
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"serving {Path.GetFullPath(folder)} on {urls}, gateway gRPC on {grpcUrls} (database {DatabaseAddress.Describe(database)}); Ctrl+C stops");
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}

/// <summary>What <c>serve</c> was asked to do.</summary>
/// <param name="Folder">The flows.</param>
/// <param name="Database">The SQLite file.</param>
/// <param name="Urls">Where the HTTP API listens.</param>
/// <param name="Certificate">A PKCS#12 file for HTTPS, or null.</param>
/// <param name="PublicUrl">The address users reach, for emailed links, or null.</param>
/// <param name="TrustedProxies">Proxies whose X-Forwarded-For is believed.</param>
/// <param name="GrpcUrls">Where the gateway's gRPC service listens; null listens nowhere.</param>
/// <param name="GatewayBackend">The backend the gateway calls; null is this server.</param>
internal sealed record ServeSettings(string Folder, string Database, string Urls, string? Certificate, string? PublicUrl, string[] TrustedProxies, string? GrpcUrls, string? GatewayBackend)
{
    /// <summary>The per-address limit of public routes (<see cref="FlowRunnerOptions.PublicRequestsPerMinute"/>).</summary>
    public int PublicRequestsPerMinute { get; init; } = new FlowRunnerOptions().PublicRequestsPerMinute;

    /// <summary>Activity assemblies to load (<see cref="FlowRunnerBuilder.AddActivitiesFrom"/>).</summary>
    public IReadOnlyList<string> Activities { get; init; } = [];
}

/// <summary>The store <c>--db</c> names.</summary>
internal static class DatabaseChoice
{
    /// <summary>PostgreSQL for a connection string or URL, else the SQLite file.</summary>
    public static FlowRunnerBuilder UseDatabase(this FlowRunnerBuilder builder, string database) =>
        DatabaseAddress.IsPostgres(database) ? builder.UsePostgres(DatabaseAddress.PostgresConnectionString(database)) : builder.UseSqlite(database);
}
