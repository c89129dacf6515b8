using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.V1;
using FlowRunner.Testing;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace FlowRunner.Gateway.Tests;

/// <summary>
/// Signed commands through the gateway's command flow on a real Kestrel (gRPC over HTTP/2), with the backend routes of
/// the same server behind it: each check of seed 004 refuses what it should, with the status it should, and nothing
/// refused reaches the backend (a profile update leaves an audit row only when it got there).
/// </summary>
public sealed class ExecuteCommandTests : IAsyncLifetime
{
    private KestrelHost _host = null!;

    public async Task InitializeAsync() => _host = await KestrelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_signed_profile_read_answers_the_backends_profile_signed_by_the_gateway()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);
        ExecuteCommandRequest request = device.Command("user.profile.get");

        ExecuteCommandResponse response = await device.SendAsync(request);

        using var gateway = new SigningKey(_host.Gateway.SigningKey);
        Assert.True(GatewaySignature.Verify(gateway.PublicKey, GatewaySignature.Response, response.Envelope.Span, response.Signature.Span));
        ResponseEnvelope envelope = ResponseEnvelope.Parser.ParseFrom(response.Envelope);
        Assert.Equal(Envelope.Parser.ParseFrom(request.Envelope).RequestId, envelope.RequestId);
        Assert.Equal(200u, envelope.Status);
        Assert.Equal(1u, envelope.ProtocolVersion);
        Assert.InRange(envelope.ServerTimeMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 10_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(SHA256.HashData(response.PayloadBytes.Span), envelope.PayloadHash.ToByteArray());
        using JsonDocument profile = JsonDocument.Parse(response.PayloadBytes.Memory);
        Assert.Equal(device.UserId, profile.RootElement.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task A_profile_update_reaches_the_backend_and_its_refusals_come_back_signed()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);

        ExecuteCommandResponse updated = await device.SendAsync(device.Command("user.profile.update", """{"display_name": "Ann"}"""));
        ExecuteCommandResponse refused = await device.SendAsync(device.Command("user.profile.update", """{"display_name": ""}"""));
        ExecuteCommandResponse read = await device.SendAsync(device.Command("user.profile.get"));

        Assert.Equal(200u, ResponseEnvelope.Parser.ParseFrom(updated.Envelope).Status);
        Assert.Equal(400u, ResponseEnvelope.Parser.ParseFrom(refused.Envelope).Status); // the backend's own answer, signed
        using JsonDocument profile = JsonDocument.Parse(read.PayloadBytes.Memory);
        Assert.Equal("Ann", profile.RootElement.GetProperty("display_name").GetString());
        Assert.Equal(1, await ProfileUpdatesAsync(device.UserId));
    }

    [Fact]
    public async Task Device_sessions_are_listed_and_a_revoked_one_is_refused_at_once()
    {
        using GatewayDevice phone = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice laptop = await GatewayDevice.CreateAsync(_host, phone.UserId);

        ExecuteCommandResponse listed = await phone.SendAsync(phone.Command("user.sessions.list"));
        ExecuteCommandResponse revoked = await phone.SendAsync(phone.Command("user.sessions.revoke", $$"""{"device_session_id": "{{laptop.SessionId}}"}"""));
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => laptop.SendAsync(laptop.Command("user.profile.get")));

        using JsonDocument list = JsonDocument.Parse(listed.PayloadBytes.Memory);
        Assert.Equal(new[] { laptop.SessionId, phone.SessionId }.Order(), list.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("device_session_id").GetString()).Order());
        Assert.Equal(204u, ResponseEnvelope.Parser.ParseFrom(revoked.Envelope).Status);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    public static TheoryData<string, StatusCode> Refusals => new()
    {
        { "not an envelope", StatusCode.InvalidArgument },
        { "protocol version 2", StatusCode.FailedPrecondition },
        { "payload changed after signing", StatusCode.InvalidArgument },
        { "signed by another key", StatusCode.Unauthenticated },
        { "signed by another device of the user", StatusCode.Unauthenticated },
        { "unknown session", StatusCode.Unauthenticated },
        { "revoked session", StatusCode.Unauthenticated },
        { "timestamp 61 s old", StatusCode.Unauthenticated },
        { "timestamp 61 s ahead", StatusCode.Unauthenticated },
        { "request id too short", StatusCode.InvalidArgument },
        { "signed as a response", StatusCode.Unauthenticated },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Each_check_refuses_with_its_status_and_nothing_reaches_the_backend(string what, StatusCode expected)
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice other = await GatewayDevice.CreateAsync(_host, device.UserId);
        byte[] payload = """{"display_name": "Mallory"}"""u8.ToArray();
        Envelope envelope = device.Envelope("user.profile.update", payload);
        ExecuteCommandRequest request = what switch
        {
            "not an envelope" => new ExecuteCommandRequest { Envelope = ByteString.CopyFrom(0xFF, 0xFF, 0xFF), PayloadBytes = ByteString.CopyFrom(payload), Signature = ByteString.CopyFrom(new byte[64]) },
            "protocol version 2" => device.Request(With(envelope, e => e.ProtocolVersion = 2), payload),
            "payload changed after signing" => device.Request(envelope, payload) is var signed ? Tampered(signed) : null!,
            "signed by another key" => device.Request(envelope, payload, new SigningKey(SigningKey.NewSeed())),
            "signed by another device of the user" => device.Request(envelope, payload, other.Key),
            "unknown session" => device.Request(With(envelope, e => e.DeviceSessionId = "no-such-session"), payload),
            "revoked session" => await RevokedAsync(device, envelope, payload),
            "timestamp 61 s old" => device.Request(With(envelope, e => e.TimestampMs -= 61_000), payload),
            "timestamp 61 s ahead" => device.Request(With(envelope, e => e.TimestampMs += 61_000), payload),
            "request id too short" => device.Request(With(envelope, e => e.RequestId = "abc"), payload),
            "signed as a response" => SignedAs(device, envelope, payload, GatewaySignature.Response),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(request));

        Assert.Equal(expected, refused.StatusCode);
        Assert.Equal(0, await ProfileUpdatesAsync(device.UserId));
        Assert.Contains(_host.Logs.Lines, l => l.Contains("Gateway refused a call at n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Of_fifty_concurrent_copies_of_one_request_exactly_one_reaches_the_backend()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);
        ExecuteCommandRequest request = device.Command("user.profile.update", """{"display_name": "Once"}""");

        Task<ExecuteCommandResponse>[] copies = [.. Enumerable.Range(0, 50).Select(_ => Task.Run(() => device.SendAsync(request)))];
        Task all = Task.WhenAll(copies);
        try
        {
            await all;
        }
        catch (RpcException)
        {
        }

        Assert.Equal(1, copies.Count(c => c.IsCompletedSuccessfully));
        StatusCode[] others = [.. copies.Where(c => c.IsFaulted).Select(c => Assert.IsType<RpcException>(c.Exception!.InnerException).StatusCode)];
        Assert.Equal(Enumerable.Repeat(StatusCode.AlreadyExists, 49), others);
        Assert.Equal(1, await ProfileUpdatesAsync(device.UserId));
    }

    [Fact]
    public async Task An_unknown_message_type_is_unimplemented()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);

        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(device.Command("user.delete.everything")));

        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }

    [Fact]
    public async Task An_unknown_message_type_is_refused_before_it_spends_a_request_id_or_any_budget()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);
        byte[] payload = "{}"u8.ToArray();
        Envelope unknown = device.Envelope("user.delete.everything", payload);

        // More unknown commands than the session's budget holds (60 at once), the first with the request id reused below.
        for (int i = 0; i < 61; i++)
        {
            Envelope envelope = i == 0 ? unknown : device.Envelope("user.delete.everything", payload);
            RpcException refused = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(device.Request(envelope, payload)));
            Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
        }

        Envelope known = With(device.Envelope("user.profile.get", payload), e => e.RequestId = unknown.RequestId);
        ExecuteCommandResponse answer = await device.SendAsync(device.Request(known, payload));

        Assert.Equal(200u, ResponseEnvelope.Parser.ParseFrom(answer.Envelope).Status);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("Gateway refused a call at n12", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_used_up_budget_is_resource_exhausted_with_when_to_retry_and_other_users_go_on()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice neighbour = await GatewayDevice.CreateAsync(_host);
        for (int i = 0; i < 10; i++) // user.profile.update: 10 at once per user, then 30 a minute
        {
            await device.SendAsync(device.Command("user.profile.update", $$"""{"display_name": "n{{i}}"}"""));
        }

        ExecuteCommandRequest oneMore = device.Command("user.profile.update", """{"display_name": "one more"}""");
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(oneMore));
        ExecuteCommandResponse other = await neighbour.SendAsync(neighbour.Command("user.profile.update", """{"display_name": "fine"}"""));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        RetryInfo retry = Assert.Single(refused.GetRpcStatus()!.Details).Unpack<RetryInfo>();
        Assert.InRange(retry.RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.Equal(10, await ProfileUpdatesAsync(device.UserId));
        Assert.Equal(200u, ResponseEnvelope.Parser.ParseFrom(other.Envelope).Status);

        // The refusal undid the budgets' tokens only: the request id it reserved in the same transaction stays used.
        RpcException replayed = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(oneMore));
        Assert.Equal(StatusCode.AlreadyExists, replayed.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_backend_is_unavailable()
    {
        int closed = FreePort();
        await using KestrelHost host = await KestrelHost.StartAsync(gateway: g => g with { Backend = new Uri($"http://127.0.0.1:{closed}/") });
        using GatewayDevice device = await GatewayDevice.CreateAsync(host);

        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(device.Command("user.profile.get")));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    [Fact]
    public async Task Moving_a_check_in_the_flow_moves_it_in_the_gateway()
    {
        // Freshness moved first, before the session lookup: a stale command for an unknown session is now refused at n6.
        await using KestrelHost host = await KestrelHost.StartAsync(editFlows: flows =>
        {
            string file = Path.Combine(flows, "gateway", "execute-command.flow");
            File.WriteAllText(file, File.ReadAllText(file)
                .Replace("n2.handle(bottom) -> Backend.n3.handle(top)", "n2.handle(right) -> n6.handle(left)", StringComparison.Ordinal)
                .Replace("n6.handle(right) -> n12.handle(left)", "n6.handle(bottom) -> Backend.n3.handle(top)", StringComparison.Ordinal)
                .Replace("n5.handle(right) -> n6.handle(left)", "n5.handle(right) -> n12.handle(left)", StringComparison.Ordinal));
        });
        using GatewayDevice device = await GatewayDevice.CreateAsync(host);
        byte[] payload = "{}"u8.ToArray();
        Envelope envelope = device.Envelope("user.profile.get", payload);
        envelope.DeviceSessionId = "no-such-session";
        envelope.TimestampMs -= 120_000;

        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => device.SendAsync(device.Request(envelope, payload)));

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("old", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Lines, l => l.Contains("Gateway refused a call at n6", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Envelope With(Envelope envelope, Action<Envelope> change)
    {
        Envelope copy = envelope.Clone();
        change(copy);
        return copy;
    }

    private static ExecuteCommandRequest Tampered(ExecuteCommandRequest signed)
    {
        byte[] payload = Encoding.UTF8.GetBytes("""{"display_name": "Eve"}""");
        return new ExecuteCommandRequest { Envelope = signed.Envelope, Signature = signed.Signature, PayloadBytes = ByteString.CopyFrom(payload) };
    }

    private static ExecuteCommandRequest SignedAs(GatewayDevice device, Envelope envelope, byte[] payload, string context)
    {
        byte[] bytes = envelope.ToByteArray();
        return new ExecuteCommandRequest { Envelope = ByteString.CopyFrom(bytes), PayloadBytes = ByteString.CopyFrom(payload), Signature = ByteString.CopyFrom(device.Key.Sign(context, bytes)) };
    }

    private async Task<ExecuteCommandRequest> RevokedAsync(GatewayDevice device, Envelope envelope, byte[] payload)
    {
        await using IUnitOfWork work = await _host.Store.BeginWorkAsync(CancellationToken.None);
        await work.Store<IIdentityStore>().RevokeDeviceSessionAsync(device.UserId, device.SessionId, DateTimeOffset.UtcNow);
        await work.CommitAsync(CancellationToken.None);
        return device.Request(envelope, payload);
    }

    // What reached the backend's profile update: it audits every change it makes.
    private async Task<int> ProfileUpdatesAsync(string userId)
    {
        await using IUnitOfWork data = _host.Store.OpenReadOnly();
        return (await data.Store<IIdentityStore>().ListAuditAsync(userId)).Count(e => e.Event == "gateway.profile-updated");
    }
}
