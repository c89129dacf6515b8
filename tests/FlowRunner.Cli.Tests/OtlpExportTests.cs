using System.Net.Http.Json;
using System.Text;
using FlowRunner.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// <c>flowrunner serve</c> exports over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and registers nothing when it
/// is not. The receiver stands in for an OpenTelemetry Collector (none can be installed here): it takes OTLP/HTTP
/// protobuf posts as a collector does and keeps their bytes.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Serve_sends_the_engines_spans_to_the_otlp_endpoint()
    {
        var received = new List<(string Path, byte[] Body)>();
        WebApplicationBuilder receiverBuilder = WebApplication.CreateBuilder();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        receiverBuilder.Logging.ClearProviders();
        await using WebApplication receiver = receiverBuilder.Build();
        receiver.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (received)
            {
                received.Add((request.Path, body.ToArray()));
            }

            return Results.Ok();
        });
        await receiver.StartAsync();

        using var flows = new TempFlows();
        await using ServeProcess serve = await ServeProcess.StartAsync(Path.Combine(flows.Root, "otlp.db"), new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Urls.Single(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        Assert.Equal(401, (int)(await serve.Client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.com", password = "wrong" })).StatusCode);

        for (int i = 0; i < 100 && !Holds(received, "/v1/traces", "flow.run auth/login"); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(Holds(received, "/v1/traces", "flow.run auth/login"), "no span of the login run reached the endpoint: " + serve.Log);
        Assert.True(Holds(received, "/v1/traces", "flow.node "), "no node span reached the endpoint");
        Assert.True(Holds(received, "/v1/traces", "flowrunner"), "the service name is missing");
        for (int i = 0; i < 100 && !Holds(received, "/v1/metrics", "flowrunner.instances.started"); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(Holds(received, "/v1/metrics", "flowrunner.instances.started"), "no engine metric reached the endpoint");
    }

    [Fact]
    public async Task Without_the_variable_serve_registers_no_telemetry_export()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")), "the test process must not have the variable");
        using var flows = new TempFlows();
        await using var app = Commands.ServeCommand.Build(RepoPaths.Flows, Path.Combine(flows.Root, "plain.db"), "http://127.0.0.1:0");
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    private static bool Holds(List<(string Path, byte[] Body)> received, string path, string text)
    {
        byte[] wanted = Encoding.UTF8.GetBytes(text);
        lock (received)
        {
            return received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(wanted) >= 0);
        }
    }
}
