using System.Security.Cryptography;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// Parses the envelope and checks its fields: malformed is INVALID_ARGUMENT, another protocol version
/// FAILED_PRECONDITION. The option <c>{"message_types": ["events.subscribe"]}</c> limits the types the flow takes.
/// </summary>
internal sealed class ValidateEnvelopeActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    /// <summary>The protocol version this gateway speaks.</summary>
    public const uint ProtocolVersion = 1;

    public override string Type => "gateway.validate-envelope";

    public override IReadOnlyList<string> Labels => ["Validate envelope"];

    public override string? ValidateOptions(System.Text.Json.JsonElement options) =>
        !options.TryGetProperty("message_types", out System.Text.Json.JsonElement types)
            || (types.ValueKind == System.Text.Json.JsonValueKind.Array && types.EnumerateArray().All(t => t.ValueKind == System.Text.Json.JsonValueKind.String && IsMessageType(t.GetString()!)))
            ? null
            : "\"message_types\" must be an array of message types, e.g. [\"events.subscribe\"]";

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        Envelope envelope;
        try
        {
            envelope = Envelope.Parser.ParseFrom(call.EnvelopeBytes.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            return Done(call.Refuse(StatusCode.InvalidArgument, "the envelope is not a serialized Envelope"));
        }

        if (envelope.ProtocolVersion != ProtocolVersion)
        {
            return Done(call.Refuse(StatusCode.FailedPrecondition, $"protocol_version {envelope.ProtocolVersion} is not supported; this gateway speaks {ProtocolVersion}"));
        }

        string? problem = !IsToken(envelope.DeviceSessionId, 1, 128) ? "device_session_id must be 1 to 128 letters, digits, '-' or '_'"
            : !IsToken(envelope.RequestId, 22, 128) ? "request_id must be 22 to 128 letters, digits, '-' or '_' (at least 128 random bits)"
            : !IsMessageType(envelope.MessageType) ? "message_type must be 1 to 100 lower-case letters, digits, '.', '-' or '_'"
            : envelope.PayloadHash.Length != SHA256.HashSizeInBytes ? "payload_hash must be the 32-byte SHA-256 of payload_bytes"
            : call.Signature.Length != GatewaySignature.SignatureBytes ? "signature must be a 64-byte Ed25519 signature"
            : envelope.TimestampMs <= 0 ? "timestamp_ms must be the client's clock in Unix milliseconds"
            : null;
        if (problem is not null)
        {
            return Done(call.Refuse(StatusCode.InvalidArgument, problem));
        }

        if (context.Options.TryGetProperty("message_types", out System.Text.Json.JsonElement types) && !types.EnumerateArray().Any(t => t.GetString() == envelope.MessageType))
        {
            return Done(call.Refuse(StatusCode.InvalidArgument, $"message_type must be {string.Join(" or ", types.EnumerateArray().Select(t => "\"" + t.GetString() + "\""))} here"));
        }

        call.Envelope = envelope;
        return Done(ActivityResult.Done());
    }

    private static bool IsToken(string value, int min, int max) =>
        value.Length >= min && value.Length <= max && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsMessageType(string value) =>
        value.Length is >= 1 and <= 100 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_');

    private static ValueTask<ActivityResult> Done(ActivityResult result) => ValueTask.FromResult(result);
}

/// <summary>The payload is what the envelope's hash says (SHA-256, compared in constant time): else INVALID_ARGUMENT.</summary>
internal sealed class VerifyPayloadHashActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.verify-payload-hash";

    public override IReadOnlyList<string> Labels => ["Verify payload hash"];

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(call.Payload.Span, hash);
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(hash, call.ValidEnvelope.PayloadHash.Span)
            ? ActivityResult.Done()
            : call.Refuse(StatusCode.InvalidArgument, "payload_hash is not the SHA-256 of payload_bytes"));
    }
}

/// <summary>The device session's key signed the envelope (Ed25519 under the request context): else UNAUTHENTICATED.</summary>
internal sealed class VerifySignatureActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.verify-signature";

    public override IReadOnlyList<string> Labels => ["Verify signature"];

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GatewaySignature.Verify(call.ValidSession.PublicKey, GatewaySignature.Request, call.EnvelopeBytes.Span, call.Signature.Span)
            ? ActivityResult.Done()
            : call.Refuse(StatusCode.Unauthenticated, "the signature does not verify with the device session's key"));
}

/// <summary>The envelope's timestamp is within the window of the gateway's clock, either way: else UNAUTHENTICATED.</summary>
internal sealed class CheckFreshnessActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.check-freshness";

    public override IReadOnlyList<string> Labels => ["Check freshness"];

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        long now = Services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        long window = (long)Services.Options.FreshnessWindow.TotalMilliseconds;
        long skew = call.ValidEnvelope.TimestampMs - now;
        return ValueTask.FromResult(Math.Abs(skew) <= window
            ? ActivityResult.Done()
            : call.Refuse(StatusCode.Unauthenticated, $"timestamp_ms is {Math.Abs(skew) / 1000} s {(skew < 0 ? "old" : "in the future")}; requests must be within {window / 1000} s of the server's time ({now})"));
    }
}
