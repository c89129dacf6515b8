using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Push;
using FlowRunner.Gateway.V1;
using FlowRunner.Testing;
using Grpc.Core;

namespace FlowRunner.Gateway.Tests;

/// <summary>
/// Seed 004's SubscribeEvents lifecycle on a real Kestrel: the server's time first, then the user's events signed by
/// the gateway; a revoked session or a password change closes streams with FAILED_PRECONDITION within a second; at
/// shutdown the hub closes first, with UNAVAILABLE.
/// </summary>
public sealed class SubscribeEventsTests : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private KestrelHost _host = null!;

    public async Task InitializeAsync() => _host = await KestrelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_stream_starts_with_the_servers_time_and_carries_the_users_profile_updates_signed()
    {
        using GatewayDevice phone = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice laptop = await GatewayDevice.CreateAsync(_host, phone.UserId);
        using GatewayDevice stranger = await GatewayDevice.CreateAsync(_host);
        using AsyncServerStreamingCall<GatewayEvent> phoneEvents = phone.Gateway.SubscribeEvents(phone.Subscription());
        using AsyncServerStreamingCall<GatewayEvent> strangerEvents = stranger.Gateway.SubscribeEvents(stranger.Subscription());
        GatewayEvent time = await NextAsync(phoneEvents);
        await NextAsync(strangerEvents);
        await WaitForStreamsAsync(2);

        await laptop.SendAsync(laptop.Command("user.profile.update", """{"display_name": "Pushed"}"""));
        GatewayEvent update = await NextAsync(phoneEvents, TimeSpan.FromSeconds(5));

        using var gateway = new SigningKey(_host.Gateway.SigningKey);
        Assert.Equal(GatewayEvents.ServerTime, time.EventType);
        Assert.True(GatewayEvents.Verify(gateway.PublicKey, time));
        Assert.InRange(time.ServerTimeMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 10_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal("user.profile.updated", update.EventType);
        Assert.True(GatewayEvents.Verify(gateway.PublicKey, update));
        using JsonDocument payload = JsonDocument.Parse(update.PayloadBytes.Memory);
        Assert.Equal("Pushed", payload.RootElement.GetProperty("display_name").GetString());
        update.PayloadBytes = Google.Protobuf.ByteString.CopyFromUtf8("{}");
        Assert.False(GatewayEvents.Verify(gateway.PublicKey, update)); // the signature covers the payload
        await Assert.ThrowsAsync<TimeoutException>(() => NextAsync(strangerEvents, TimeSpan.FromMilliseconds(700)));
    }

    [Fact]
    public async Task Revoking_a_device_session_closes_its_stream_with_failed_precondition_within_a_second()
    {
        using GatewayDevice phone = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice laptop = await GatewayDevice.CreateAsync(_host, phone.UserId);
        using AsyncServerStreamingCall<GatewayEvent> laptopEvents = laptop.Gateway.SubscribeEvents(laptop.Subscription());
        using AsyncServerStreamingCall<GatewayEvent> phoneEvents = phone.Gateway.SubscribeEvents(phone.Subscription());
        await NextAsync(laptopEvents);
        await NextAsync(phoneEvents);
        await WaitForStreamsAsync(2);

        await phone.SendAsync(phone.Command("user.sessions.revoke", $$"""{"device_session_id": "{{laptop.SessionId}}"}"""));
        RpcException closed = await Assert.ThrowsAsync<RpcException>(() => NextAsync(laptopEvents, Second));

        Assert.Equal(StatusCode.FailedPrecondition, closed.StatusCode);
        await Assert.ThrowsAsync<TimeoutException>(() => NextAsync(phoneEvents, TimeSpan.FromMilliseconds(300))); // the phone's stays open
    }

    [Fact]
    public async Task A_password_change_closes_every_stream_of_the_user_within_a_second()
    {
        using GatewayDevice phone = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice laptop = await GatewayDevice.CreateAsync(_host, phone.UserId);
        using AsyncServerStreamingCall<GatewayEvent> phoneEvents = phone.Gateway.SubscribeEvents(phone.Subscription());
        using AsyncServerStreamingCall<GatewayEvent> laptopEvents = laptop.Gateway.SubscribeEvents(laptop.Subscription());
        await NextAsync(phoneEvents);
        await NextAsync(laptopEvents);
        await WaitForStreamsAsync(2);

        await using (IUnitOfWork work = await _host.Store.BeginWorkAsync(CancellationToken.None))
        {
            await work.Store<IIdentityStore>().RevokeUserSessionsAsync(phone.UserId, DateTimeOffset.UtcNow); // what a reset does
            await work.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => NextAsync(phoneEvents, Second))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => NextAsync(laptopEvents, Second))).StatusCode);
    }

    [Fact]
    public async Task A_subscription_is_checked_like_a_command()
    {
        using GatewayDevice device = await GatewayDevice.CreateAsync(_host);
        using GatewayDevice other = await GatewayDevice.CreateAsync(_host);
        SubscribeEventsRequest forged = device.Subscription();
        forged.Signature = other.Subscription().Signature;

        RpcException wrongType = await Assert.ThrowsAsync<RpcException>(() => NextAsync(device.Gateway.SubscribeEvents(device.Subscription("user.profile.get"))));
        RpcException badSignature = await Assert.ThrowsAsync<RpcException>(() => NextAsync(device.Gateway.SubscribeEvents(forged)));

        Assert.Equal(StatusCode.InvalidArgument, wrongType.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, badSignature.StatusCode);
        Assert.Equal(0, _host.Hub.Count);
    }

    [Fact]
    public async Task At_shutdown_the_hub_closes_streams_with_unavailable_before_grpc_stops()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        using GatewayDevice device = await GatewayDevice.CreateAsync(host);
        using AsyncServerStreamingCall<GatewayEvent> events = device.Gateway.SubscribeEvents(device.Subscription());
        await NextAsync(events);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        Task stop = host.StopAsync();
        RpcException closed = await Assert.ThrowsAsync<RpcException>(() => NextAsync(events, TimeSpan.FromSeconds(5)));
        await stop;

        Assert.Equal(StatusCode.Unavailable, closed.StatusCode);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the host took {stopping.Elapsed} to stop: an open stream held it up");
    }

    private static async Task<GatewayEvent> NextAsync(AsyncServerStreamingCall<GatewayEvent> call, TimeSpan? within = null)
    {
        Task<bool> next = call.ResponseStream.MoveNext(CancellationToken.None);
        if (await Task.WhenAny(next, Task.Delay(within ?? TimeSpan.FromSeconds(10))) != next)
        {
            throw new TimeoutException("no event");
        }

        return await next ? call.ResponseStream.Current : throw new InvalidOperationException("the stream ended without a status");
    }

    // Registration ends the subscription flow, after the first event is written: wait until the hub has the streams.
    private async Task WaitForStreamsAsync(int count)
    {
        for (int i = 0; i < 100 && _host.Hub.Count < count; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(count, _host.Hub.Count);
    }
}
