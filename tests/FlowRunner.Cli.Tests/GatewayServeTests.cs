using System.Security.Cryptography;
using System.Text.Json;
using FlowRunner.Activities.Identity;
using FlowRunner.Gateway.V1;
using FlowRunner.Storage.Sqlite;
using FlowRunner.Testing;
using Grpc.Core;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// <c>flowrunner serve</c> as the gateway: one process that is gateway and backend, and a gateway process calling a
/// backend process with the shared service token.
/// </summary>
public sealed class GatewayServeTests
{
    [Fact]
    public async Task One_serve_process_is_gateway_and_backend()
    {
        using var folder = new TempFolder("flowrunner-gateway-one-");
        string db = folder.File("one.db");
        await using ServeProcess serve = await ServeProcess.StartAsync(db);
        using GatewayDevice device = await GatewayDevice.CreateAsync(Backend(db), serve.GrpcAddress);

        ExecuteCommandResponse response = await device.SendAsync(device.Command("user.profile.get"));

        Assert.Equal(200u, ResponseEnvelope.Parser.ParseFrom(response.Envelope).Status);
        using JsonDocument profile = JsonDocument.Parse(response.PayloadBytes.Memory);
        Assert.Equal(device.UserId, profile.RootElement.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task A_gateway_process_calls_a_backend_process_with_the_service_token()
    {
        using var folder = new TempFolder("flowrunner-gateway-two-");
        var shared = new Dictionary<string, string> { ["FLOWRUNNER_SERVICE_TOKEN"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        string backendDb = folder.File("backend.db");
        await using ServeProcess backend = await ServeProcess.StartAsync(backendDb, shared);
        await using ServeProcess gateway = await ServeProcess.StartAsync(folder.File("gateway.db"), shared, "--gateway-backend", backend.Client.BaseAddress!.ToString());
        await using ServeProcess stranger = await ServeProcess.StartAsync(folder.File("stranger.db"), null, "--gateway-backend", backend.Client.BaseAddress!.ToString());
        using GatewayDevice device = await GatewayDevice.CreateAsync(Backend(backendDb), gateway.GrpcAddress);
        using GatewayDevice lost = await GatewayDevice.CreateAsync(Backend(backendDb), stranger.GrpcAddress, device.UserId);

        ExecuteCommandResponse updated = await device.SendAsync(device.Command("user.profile.update", """{"display_name": "Two processes"}"""));
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => lost.SendAsync(lost.Command("user.profile.get")));
        var unauthorized = await backend.Client.GetAsync($"/api/v1/internal/sessions/{device.SessionId}");

        Assert.Equal(200u, ResponseEnvelope.Parser.ParseFrom(updated.Envelope).Status);
        using JsonDocument profile = JsonDocument.Parse(updated.PayloadBytes.Memory);
        Assert.Equal("Two processes", profile.RootElement.GetProperty("display_name").GetString());
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode); // a gateway without the backend's token gets 401 from it
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.StatusCode); // the internal routes are not public
    }

    // The backend's database, opened as `flowrunner users` opens it: safe beside the running server (SQLite WAL).
    private static SqliteInstanceStore Backend(string database) => new(database, TimeProvider.System, [IdentityActivities.SqliteStore]);
}
