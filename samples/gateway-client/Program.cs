// A device of FlowRunner's API gateway (seed 004): signs up with an emailed code, keeps an Ed25519 key, sends signed
// commands over gRPC, follows its events, and checks every answer's signature against the gateway's key.
//
//   gateway-client send-code  <email>                        -> prints the challenge id
//   gateway-client confirm    <challenge_id> <code>          -> makes the device key, registers it, saves the device
//   gateway-client command    <message_type> [json payload]  -> prints the status and the backend's answer
//   gateway-client subscribe  [count]                        -> prints events (count of them, or until Ctrl+C)
//
// Options (environment): GATEWAY_HTTP (http://127.0.0.1:5080), GATEWAY_GRPC (http://127.0.0.1:5081),
// GATEWAY_DEVICE (device.json: the key and session; written readable by its owner only).
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRunner.Gateway.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NSec.Cryptography;

string http = Environment.GetEnvironmentVariable("GATEWAY_HTTP") ?? "http://127.0.0.1:5080";
string grpc = Environment.GetEnvironmentVariable("GATEWAY_GRPC") ?? "http://127.0.0.1:5081";
string devicePath = Environment.GetEnvironmentVariable("GATEWAY_DEVICE") ?? "device.json";
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: gateway-client send-code <email> | confirm <challenge_id> <code> | command <message_type> [json] | subscribe [count]");
    return 2;
}

try
{
    return args[0] switch
    {
        "send-code" when args.Length == 2 => await SendCodeAsync(args[1]),
        "confirm" when args.Length == 3 => await ConfirmAsync(args[1], args[2]),
        "command" when args.Length is 2 or 3 => await CommandAsync(args[1], args.Length == 3 ? args[2] : "{}"),
        "subscribe" => await SubscribeAsync(args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue),
        _ => Usage(),
    };
}
catch (RpcException e)
{
    Console.WriteLine($"refused: {e.StatusCode} {e.Status.Detail}");
    return 1;
}

int Usage()
{
    Console.Error.WriteLine($"unknown command: {string.Join(' ', args)}");
    return 2;
}

async Task<int> SendCodeAsync(string email)
{
    using var client = new HttpClient();
    HttpResponseMessage response = await client.PostAsJsonAsync($"{http}/api/v1/public/auth/send-email-code", new { email });
    Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    return response.IsSuccessStatusCode ? 0 : 1;
}

async Task<int> ConfirmAsync(string challenge, string code)
{
    byte[] seed = RandomNumberGenerator.GetBytes(32);
    using Key key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
    string publicKey = Base64Url(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    using var client = new HttpClient();
    long sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    HttpResponseMessage response = await client.PostAsJsonAsync($"{http}/api/v1/public/auth/confirm-email-code",
        new { challenge_id = challenge, code, device_public_key = publicKey });
    string body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        Console.WriteLine($"{(int)response.StatusCode} {body}");
        return 1;
    }

    JsonObject answer = JsonNode.Parse(body)!.AsObject();
    var device = new JsonObject
    {
        ["seed"] = Convert.ToBase64String(seed),
        ["device_session_id"] = answer["device_session_id"]!.GetValue<string>(),
        ["user_id"] = answer["user_id"]!.GetValue<string>(),
        ["gateway_public_key"] = answer["gateway_public_key"]!.GetValue<string>(),
        // How far this machine's clock is behind the gateway's: added to every timestamp_ms.
        ["clock_offset_ms"] = answer["server_time_ms"]!.GetValue<long>() - ((sent + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) / 2),
    };
    var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
    if (!OperatingSystem.IsWindows())
    {
        options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    }

    await using (var file = new FileStream(devicePath, options))
    {
        await JsonSerializer.SerializeAsync(file, device);
    }

    Console.WriteLine($"signed in: device session {device["device_session_id"]} of user {device["user_id"]}, key saved in {devicePath}");
    return 0;
}

async Task<int> CommandAsync(string messageType, string json)
{
    Device device = Device.Load(devicePath);
    byte[] payload = Encoding.UTF8.GetBytes(json);
    byte[] envelope = device.Envelope(messageType, payload);
    using GrpcChannel channel = GrpcChannel.ForAddress(grpc);
    ExecuteCommandResponse response = await new Gateway.GatewayClient(channel).ExecuteCommandAsync(new ExecuteCommandRequest
    {
        Envelope = ByteString.CopyFrom(envelope),
        PayloadBytes = ByteString.CopyFrom(payload),
        Signature = ByteString.CopyFrom(device.Sign("flowrunner.gateway.v1.request", envelope)),
    });
    ResponseEnvelope answer = ResponseEnvelope.Parser.ParseFrom(response.Envelope);
    bool genuine = device.VerifyGateway("flowrunner.gateway.v1.response", response.Envelope.Span, response.Signature.Span)
        && answer.RequestId == Envelope.Parser.ParseFrom(envelope).RequestId
        && SHA256.HashData(response.PayloadBytes.Span).AsSpan().SequenceEqual(answer.PayloadHash.Span);
    if (!genuine)
    {
        Console.WriteLine("the answer is not signed by the gateway, or not for this request: ignored");
        return 1;
    }

    Console.WriteLine($"{answer.Status} {response.PayloadBytes.ToStringUtf8()}");
    return answer.Status < 400 ? 0 : 1;
}

async Task<int> SubscribeAsync(int count)
{
    Device device = Device.Load(devicePath);
    byte[] envelope = device.Envelope("events.subscribe", []);
    using GrpcChannel channel = GrpcChannel.ForAddress(grpc);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    using AsyncServerStreamingCall<GatewayEvent> events = new Gateway.GatewayClient(channel).SubscribeEvents(new SubscribeEventsRequest
    {
        Envelope = ByteString.CopyFrom(envelope),
        Signature = ByteString.CopyFrom(device.Sign("flowrunner.gateway.v1.request", envelope)),
    }, cancellationToken: stop.Token);
    int seen = 0;
    while (seen < count && await events.ResponseStream.MoveNext(stop.Token))
    {
        GatewayEvent pushed = events.ResponseStream.Current;
        GatewayEvent unsigned = pushed.Clone();
        unsigned.Signature = ByteString.Empty;
        string check = device.VerifyGateway("flowrunner.gateway.v1.event", unsigned.ToByteArray(), pushed.Signature.Span) ? "signed" : "NOT SIGNED";
        Console.WriteLine($"event {pushed.EventType} ({check}): {pushed.PayloadBytes.ToStringUtf8()}");
        Console.Out.Flush();
        seen++;
    }

    return 0;
}

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

/// <summary>The saved device: its key, its session, the gateway's key and the clock correction.</summary>
internal sealed class Device(byte[] seed, string sessionId, byte[] gatewayKey, long clockOffsetMs)
{
    public static Device Load(string path)
    {
        JsonElement saved = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        string gateway = saved.GetProperty("gateway_public_key").GetString()!.Replace('-', '+').Replace('_', '/');
        return new Device(
            Convert.FromBase64String(saved.GetProperty("seed").GetString()!),
            saved.GetProperty("device_session_id").GetString()!,
            Convert.FromBase64String(gateway.PadRight(gateway.Length + ((4 - (gateway.Length % 4)) % 4), '=')),
            saved.GetProperty("clock_offset_ms").GetInt64());
    }

    /// <summary>A serialized envelope: a fresh 128-bit request id, the corrected time, the payload's hash.</summary>
    public byte[] Envelope(string messageType, byte[] payload) => new Envelope
    {
        ProtocolVersion = 1,
        DeviceSessionId = sessionId,
        RequestId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + clockOffsetMs,
        MessageType = messageType,
        PayloadHash = ByteString.CopyFrom(SHA256.HashData(payload)),
    }.ToByteArray();

    /// <summary>Ed25519 over the context, a zero byte and the envelope.</summary>
    public byte[] Sign(string context, byte[] envelope)
    {
        using Key key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        return SignatureAlgorithm.Ed25519.Sign(key, Message(context, envelope));
    }

    public bool VerifyGateway(string context, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature) =>
        SignatureAlgorithm.Ed25519.Verify(PublicKey.Import(SignatureAlgorithm.Ed25519, gatewayKey, KeyBlobFormat.RawPublicKey), Message(context, envelope), signature);

    private static byte[] Message(string context, ReadOnlySpan<byte> envelope) => [.. Encoding.ASCII.GetBytes(context), 0, .. envelope];
}
