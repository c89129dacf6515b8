using System.Text.Json;
using FlowRunner.Engine.Activities;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// Finds the backend route the command's message type maps to. The node's options hold the map:
/// <c>{"commands": {"user.profile.get": "GET /api/v1/user/profile", "user.sessions.revoke":
/// "DELETE /api/v1/user/device-sessions/{device_session_id}"}}</c>. An unmapped type is UNIMPLEMENTED, refused here,
/// before the checks that spend something (the replay store, the budgets).
/// </summary>
internal sealed class RouteCommandActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public override string Type => "gateway.route-command";

    public override IReadOnlyList<string> Labels => ["Route command"];

    public override string? ValidateOptions(JsonElement options)
    {
        if (!options.TryGetProperty("commands", out JsonElement commands) || commands.ValueKind != JsonValueKind.Object)
        {
            return "\"commands\" must map each message type to a backend route, e.g. {\"user.profile.get\": \"GET /api/v1/user/profile\"}";
        }

        foreach (JsonProperty command in commands.EnumerateObject())
        {
            if (command.Value.ValueKind != JsonValueKind.String || Parse(command.Value.GetString()!) is null)
            {
                return $"command \"{command.Name}\" must be \"METHOD /path\" with METHOD one of {string.Join(", ", Methods)} and a path starting with /";
            }
        }

        return null;
    }

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        string type = call.ValidEnvelope.MessageType;
        if (!context.Options.GetProperty("commands").TryGetProperty(type, out JsonElement mapped) || Parse(mapped.GetString()!) is not { } route)
        {
            return ValueTask.FromResult(call.Refuse(StatusCode.Unimplemented, $"message_type \"{type}\" is not a command of this gateway"));
        }

        call.Route = route;
        return ValueTask.FromResult(ActivityResult.Done());
    }

    private static BackendRoute? Parse(string text)
    {
        string[] parts = text.Split(' ', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && Methods.Contains(parts[0]) && parts[1].StartsWith('/') && !parts[1].Contains("//", StringComparison.Ordinal)
            ? new BackendRoute(new HttpMethod(parts[0]), parts[1])
            : null;
    }
}

/// <summary>The backend route of a command: its method, and its path with <c>{name}</c> for the payload's fields.</summary>
internal sealed record BackendRoute(HttpMethod Method, string Path);
