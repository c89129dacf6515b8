using System.Text.Json;
using System.Text.RegularExpressions;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Backend;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// Sends the command to the backend route its message type maps to, acting for the device session. The node's
/// options hold the map: <c>{"commands": {"user.profile.get": "GET /api/v1/user/profile", "user.sessions.revoke":
/// "DELETE /api/v1/user/device-sessions/{device_session_id}"}}</c>; a <c>{name}</c> in the path is the payload's
/// string field of that name. An unmapped type is UNIMPLEMENTED; a backend that fails, UNAVAILABLE. The backend's
/// own answers (2xx and 4xx) go back to the client, signed.
/// </summary>
internal sealed partial class CallBackendActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public override string Type => "gateway.backend-call";

    public override IReadOnlyList<string> Labels => ["Call backend"];

    public override string? ValidateOptions(JsonElement options)
    {
        if (!options.TryGetProperty("commands", out JsonElement commands) || commands.ValueKind != JsonValueKind.Object)
        {
            return "\"commands\" must map each message type to a backend route, e.g. {\"user.profile.get\": \"GET /api/v1/user/profile\"}";
        }

        foreach (JsonProperty command in commands.EnumerateObject())
        {
            if (command.Value.ValueKind != JsonValueKind.String || Route(command.Value.GetString()!) is null)
            {
                return $"command \"{command.Name}\" must be \"METHOD /path\" with METHOD one of {string.Join(", ", Methods)} and a path starting with /";
            }
        }

        return null;
    }

    protected override async ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        V1.Envelope envelope = call.ValidEnvelope;
        if (!context.Options.GetProperty("commands").TryGetProperty(envelope.MessageType, out JsonElement mapped) || Route(mapped.GetString()!) is not { } route)
        {
            return call.Refuse(StatusCode.Unimplemented, $"message_type \"{envelope.MessageType}\" is not a command of this gateway");
        }

        if (FillPath(route.Path, call.Payload) is not { } path)
        {
            return call.Refuse(StatusCode.InvalidArgument, $"\"{envelope.MessageType}\" needs a JSON object payload with the string fields its route names ({route.Path})");
        }

        try
        {
            call.Answer = await Services.Backend.CallAsync(route.Method, path, envelope.DeviceSessionId, call.Payload, cancellationToken).ConfigureAwait(false);
            return ActivityResult.Done();
        }
        catch (BackendUnavailableException e)
        {
            return call.Refuse(StatusCode.Unavailable, "the backend is unavailable: " + e.Message);
        }
    }

    private static (HttpMethod Method, string Path)? Route(string text)
    {
        string[] parts = text.Split(' ', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && Methods.Contains(parts[0]) && parts[1].StartsWith('/') && !parts[1].Contains("//", StringComparison.Ordinal)
            ? (new HttpMethod(parts[0]), parts[1])
            : null;
    }

    // {name} → the payload's string field, escaped as one path segment; null when the payload lacks it.
    private static string? FillPath(string path, ReadOnlyMemory<byte> payload)
    {
        if (!path.Contains('{', StringComparison.Ordinal))
        {
            return path;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            bool missing = false;
            string filled = Placeholder().Replace(path, match =>
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(match.Groups[1].Value, out JsonElement value)
                    && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                {
                    return Uri.EscapeDataString(text);
                }

                missing = true;
                return string.Empty;
            });
            return missing ? null : filled;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
