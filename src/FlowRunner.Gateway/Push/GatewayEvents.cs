using FlowRunner.Gateway.V1;
using Google.Protobuf;

namespace FlowRunner.Gateway.Push;

/// <summary>
/// Signed push events. The signature is Ed25519 by the gateway's key under the event context over the event serialized
/// without its signature: fields 1 to 3 (event_type, server_time_ms, payload_bytes) in order.
/// </summary>
internal static class GatewayEvents
{
    public const string ServerTime = "gateway.server_time";

    public static GatewayEvent Sign(SigningKey key, string eventType, long serverTimeMs, ReadOnlySpan<byte> payload)
    {
        var signed = new GatewayEvent { EventType = eventType, ServerTimeMs = serverTimeMs, PayloadBytes = ByteString.CopyFrom(payload) };
        signed.Signature = ByteString.CopyFrom(key.Sign(GatewaySignature.Event, signed.ToByteArray()));
        return signed;
    }

    /// <summary>True when the gateway whose public key this is signed the event.</summary>
    public static bool Verify(ReadOnlySpan<byte> gatewayPublicKey, GatewayEvent signed)
    {
        GatewayEvent unsigned = signed.Clone();
        unsigned.Signature = ByteString.Empty;
        return GatewaySignature.Verify(gatewayPublicKey, GatewaySignature.Event, unsigned.ToByteArray(), signed.Signature.Span);
    }
}
