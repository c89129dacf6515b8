using System.Text.Json;
using System.Text.RegularExpressions;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Backend;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// Sends the command to the backend route "Route command" found for it, acting for the device session; a <c>{name}</c>
/// in the path is the payload's string field of that name. A backend that fails is UNAVAILABLE. The backend's own
/// answers (2xx and 4xx) go back to the client, signed.
/// </summary>
internal sealed partial class CallBackendActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.backend-call";

    public override IReadOnlyList<string> Labels => ["Call backend"];

    protected override async ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        V1.Envelope envelope = call.ValidEnvelope;
        BackendRoute route = call.ValidRoute;
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
