using System.Collections.Concurrent;
using System.Threading.Channels;
using FlowRunner.Gateway.V1;
using Grpc.Core;

namespace FlowRunner.Gateway.Push;

/// <summary>
/// The open event streams, by user and device session (seed 004's PushHub). The dispatcher publishes to a user's
/// streams and closes them when a session is revoked (FAILED_PRECONDITION); at shutdown every stream ends with
/// UNAVAILABLE before gRPC stops, and no new one opens. A revocation is remembered for a while, so a stream whose
/// session was looked up before the revocation reached the hub, and registers after it, is closed too.
/// </summary>
internal sealed class PushHub(TimeProvider time)
{
    // Far longer than the lookup and the registration of one subscription can take apart.
    private static readonly TimeSpan RevocationMemory = TimeSpan.FromMinutes(5);

    // Events waiting for one slow stream; past it the stream is closed rather than the gateway's memory grown.
    private const int StreamBuffer = 256;

    // By user, so an event touches its user's streams only, however many are open.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _revokedAt = new(StringComparer.Ordinal);
    private volatile bool _closed;

    /// <summary>How many streams are open.</summary>
    public int Count => _streams.Values.Sum(s => s.Count);

    /// <summary>
    /// Opens a stream for a device session whose lookup was sent at <paramref name="askedAt"/> (a
    /// <see cref="TimeProvider.GetTimestamp"/>); closed at once when the hub is closing or saw the session (or all the
    /// user's sessions) revoked since.
    /// </summary>
    public Subscription Register(string userId, string deviceSessionId, long askedAt)
    {
        var subscription = new Subscription(this, userId, deviceSessionId, Channel.CreateBounded<GatewayEvent>(new BoundedChannelOptions(StreamBuffer) { SingleReader = true }));
        _streams.GetOrAdd(userId, _ => new())[subscription] = 0;
        if (_closed)
        {
            subscription.Close(new Status(StatusCode.Unavailable, "the gateway is shutting down; reconnect to another node or later"));
        }
        else if (RevokedSince(SessionKey(deviceSessionId), askedAt))
        {
            subscription.Close(SessionRevoked);
        }
        else if (RevokedSince(UserKey(userId), askedAt))
        {
            subscription.Close(AllRevoked);
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
    public void RevokeDeviceSession(string userId, string deviceSessionId)
    {
        Remember(SessionKey(deviceSessionId));
        Close(Of(userId).Where(s => s.DeviceSessionId == deviceSessionId), SessionRevoked);
    }

    /// <summary>Closes every stream of a user whose sessions were all revoked (a password change).</summary>
    public void RevokeAllForUser(string userId)
    {
        Remember(UserKey(userId));
        Close(Of(userId), AllRevoked);
    }

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

    private static Status SessionRevoked => new(StatusCode.FailedPrecondition, "the device session was revoked; sign in again");

    private static Status AllRevoked => new(StatusCode.FailedPrecondition, "every session of the user was revoked; sign in again");

    private static string SessionKey(string deviceSessionId) => "session:" + deviceSessionId;

    private static string UserKey(string userId) => "user:" + userId;

    private bool RevokedSince(string key, long askedAt) => _revokedAt.TryGetValue(key, out long revoked) && revoked >= askedAt;

    // Revocations are rare: each forgets the ones older than RevocationMemory.
    private void Remember(string key)
    {
        long now = time.GetTimestamp();
        foreach ((string old, long at) in _revokedAt)
        {
            if (time.GetElapsedTime(at, now) > RevocationMemory)
            {
                _revokedAt.TryRemove(old, out _);
            }
        }

        _revokedAt[key] = now;
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
