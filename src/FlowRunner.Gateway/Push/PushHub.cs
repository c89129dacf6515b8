using System.Collections.Concurrent;
using System.Threading.Channels;
using FlowRunner.Gateway.V1;
using Grpc.Core;

namespace FlowRunner.Gateway.Push;

/// <summary>
/// The open event streams, by user and device session (seed 004's PushHub). The dispatcher publishes to a user's
/// streams and closes them when a session is revoked (FAILED_PRECONDITION); at shutdown every stream ends with
/// UNAVAILABLE before gRPC stops, and no new one opens.
/// </summary>
internal sealed class PushHub
{
    // Events waiting for one slow stream; past it the stream is closed rather than the gateway's memory grown.
    private const int StreamBuffer = 256;

    // By user, so an event touches its user's streams only, however many are open.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _streams = new(StringComparer.Ordinal);
    private volatile bool _closed;

    /// <summary>How many streams are open.</summary>
    public int Count => _streams.Values.Sum(s => s.Count);

    /// <summary>Opens a stream for a device session.</summary>
    /// <exception cref="RpcException">The hub is closed: the gateway is stopping (UNAVAILABLE).</exception>
    public Subscription Register(string userId, string deviceSessionId)
    {
        var subscription = new Subscription(this, userId, deviceSessionId, Channel.CreateBounded<GatewayEvent>(new BoundedChannelOptions(StreamBuffer) { SingleReader = true }));
        _streams.GetOrAdd(userId, _ => new())[subscription] = 0;
        if (_closed)
        {
            subscription.Close(new Status(StatusCode.Unavailable, "the gateway is shutting down; reconnect to another node or later"));
        }

        return subscription;
    }

    /// <summary>Delivers a signed event to every stream of the user.</summary>
    public void Publish(string userId, GatewayEvent signed)
    {
        foreach (Subscription stream in Of(userId))
        {
            if (!stream.Writer.TryWrite(signed))
            {
                stream.Close(new Status(StatusCode.ResourceExhausted, "the stream fell too far behind; subscribe again"));
            }
        }
    }

    /// <summary>Closes the streams of a revoked device session.</summary>
    public void RevokeDeviceSession(string userId, string deviceSessionId) =>
        Close(Of(userId).Where(s => s.DeviceSessionId == deviceSessionId), new Status(StatusCode.FailedPrecondition, "the device session was revoked; sign in again"));

    /// <summary>Closes every stream of a user whose sessions were all revoked (a password change).</summary>
    public void RevokeAllForUser(string userId) =>
        Close(Of(userId), new Status(StatusCode.FailedPrecondition, "every session of the user was revoked; sign in again"));

    /// <summary>Ends every stream with UNAVAILABLE and refuses new ones: the first step of a shutdown.</summary>
    public void CloseAll()
    {
        _closed = true;
        Close(_streams.Values.SelectMany(s => s.Keys), new Status(StatusCode.Unavailable, "the gateway is shutting down; reconnect to another node or later"));
    }

    internal void Remove(Subscription subscription)
    {
        if (_streams.TryGetValue(subscription.UserId, out ConcurrentDictionary<Subscription, byte>? streams))
        {
            streams.TryRemove(subscription, out _);
        }
    }

    private IEnumerable<Subscription> Of(string userId) =>
        _streams.TryGetValue(userId, out ConcurrentDictionary<Subscription, byte>? streams) ? streams.Keys : [];

    private static void Close(IEnumerable<Subscription> streams, Status status)
    {
        foreach (Subscription stream in streams)
        {
            stream.Close(status);
        }
    }
}

/// <summary>One open stream: its user and device session, and the events waiting for it.</summary>
internal sealed class Subscription(PushHub hub, string userId, string deviceSessionId, Channel<GatewayEvent> events) : IDisposable
{
    public string UserId { get; } = userId;

    public string DeviceSessionId { get; } = deviceSessionId;

    /// <summary>The events, in order; the reader ends with an <see cref="RpcException"/> carrying the status the stream closes with.</summary>
    public ChannelReader<GatewayEvent> Events => events.Reader;

    internal ChannelWriter<GatewayEvent> Writer => events.Writer;

    public void Close(Status status) => events.Writer.TryComplete(new RpcException(status));

    public void Dispose() => hub.Remove(this);
}
