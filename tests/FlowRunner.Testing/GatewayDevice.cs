using System.Security.Cryptography;
using System.Text;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway;
using FlowRunner.Gateway.V1;
using Google.Protobuf;
using Grpc.Net.Client;

namespace FlowRunner.Testing;

/// <summary>A device: its Ed25519 key, its session in the host's database, and signed commands over a real gRPC channel.</summary>
public sealed class GatewayDevice : IDisposable
{
    private readonly GrpcChannel _channel;

    private GatewayDevice(Uri grpc, string userId, string sessionId, SigningKey key)
    {
        UserId = userId;
        SessionId = sessionId;
        Key = key;
        _channel = GrpcChannel.ForAddress(grpc);
        Gateway = new Gateway.V1.Gateway.GatewayClient(_channel);
    }

    public string UserId { get; }

    public string SessionId { get; }

    internal SigningKey Key { get; }

    internal Gateway.V1.Gateway.GatewayClient Gateway { get; }

    /// <summary>A device signed in already (its session and key), sending to the gateway at <paramref name="grpc"/>.</summary>
    internal static GatewayDevice ForSession(Uri grpc, string userId, string sessionId, SigningKey key) => new(grpc, userId, sessionId, key);

    /// <summary>A user of the host (new unless <paramref name="userId"/> is given) with a device session for a new key.</summary>
    public static Task<GatewayDevice> CreateAsync(KestrelHost host, string? userId = null) => CreateAsync(host.Store, host.GrpcAddress, userId);

    /// <summary>
    /// A user (new unless <paramref name="userId"/> is given) with a device session for a new key, written into the
    /// backend's database, sending to the gateway at <paramref name="grpc"/>.
    /// </summary>
    public static async Task<GatewayDevice> CreateAsync(IInstanceStore backend, Uri grpc, string? userId = null)
    {
        var key = new SigningKey(SigningKey.NewSeed());
        await using IUnitOfWork work = await backend.BeginWorkAsync(CancellationToken.None);
        IIdentityStore identity = work.Store<IIdentityStore>();
        userId ??= await identity.CreateUserAsync($"device-{Guid.NewGuid():N}@example.com", "not-a-bcrypt-hash", "user", DateTimeOffset.UtcNow);
        string session = await identity.CreateDeviceSessionAsync(userId, key.PublicKey, DateTimeOffset.UtcNow);
        await work.CommitAsync(CancellationToken.None);
        return new GatewayDevice(grpc, userId, session, key);
    }

    /// <summary>An envelope of this device for a command (a fresh request id, now, the payload's hash).</summary>
    internal Envelope Envelope(string messageType, byte[] payload) => new()
    {
        ProtocolVersion = 1,
        DeviceSessionId = SessionId,
        RequestId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        MessageType = messageType,
        PayloadHash = ByteString.CopyFrom(SHA256.HashData(payload)),
    };

    /// <summary>The request: the envelope serialized, the payload, and the signature by <paramref name="signer"/> (this device's key by default).</summary>
    internal ExecuteCommandRequest Request(Envelope envelope, byte[] payload, SigningKey? signer = null)
    {
        byte[] bytes = envelope.ToByteArray();
        return new ExecuteCommandRequest
        {
            Envelope = ByteString.CopyFrom(bytes),
            PayloadBytes = ByteString.CopyFrom(payload),
            Signature = ByteString.CopyFrom((signer ?? Key).Sign(GatewaySignature.Request, bytes)),
        };
    }

    /// <summary>A signed command with a JSON payload.</summary>
    internal ExecuteCommandRequest Command(string messageType, string json = "{}")
    {
        byte[] payload = Encoding.UTF8.GetBytes(json);
        return Request(Envelope(messageType, payload), payload);
    }

    /// <summary>A signed subscription to the user's events (message type <c>events.subscribe</c>, an empty payload).</summary>
    internal SubscribeEventsRequest Subscription(string messageType = "events.subscribe")
    {
        byte[] envelope = Envelope(messageType, []).ToByteArray();
        return new SubscribeEventsRequest { Envelope = ByteString.CopyFrom(envelope), Signature = ByteString.CopyFrom(Key.Sign(GatewaySignature.Request, envelope)) };
    }

    internal async Task<ExecuteCommandResponse> SendAsync(ExecuteCommandRequest request) => await Gateway.ExecuteCommandAsync(request);

    public void Dispose()
    {
        _channel.Dispose();
        Key.Dispose();
    }
}
