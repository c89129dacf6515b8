using System.CommandLine;
using FlowRunner.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner serve [folder] [--db path] [--urls http://127.0.0.1:5080]</c>: hosts the flows as an HTTP API.</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("folder") { Description = "The flows to serve.", DefaultValueFactory = _ => "flows" };
        Option<string> database = EngineOptions.Database();
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => DefaultUrls };
        var command = new Command("serve", "Serve every flow of a folder as an HTTP API (SQLite by default).") { folder, database, urls };
        command.SetAction((r, ct) => RunAsync(console, r.GetValue(folder)!, r.GetValue(database)!, r.GetValue(urls)!, ct));
        return command;
    }

    /// <summary>Builds the web application (also used by the tests with port 0).</summary>
    public static WebApplication Build(string folder, string database, string urls)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        var options = new FlowRunnerOptions { FlowsFolder = folder, Database = database, Identity = IdentityConfiguration.ForDatabase(database) };
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddFlowRunner(o =>
        {
            o.FlowsFolder = options.FlowsFolder;
            o.Database = options.Database;
            o.Identity = options.Identity;
        });
        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFlows();
        return app;
    }

    private static async Task<int> RunAsync(CliConsole console, string folder, string database, string urls, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            console.Error.WriteLine($"flowrunner: '{folder}' is not a folder of flows");
            return ExitCodes.UsageOrIo;
        }

        await using WebApplication app = Build(folder, database, urls);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"serving {Path.GetFullPath(folder)} on {urls} (database {Path.GetFullPath(database)}); Ctrl+C stops");
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
