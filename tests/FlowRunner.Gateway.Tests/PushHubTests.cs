using FlowRunner.Gateway.Push;
using Grpc.Core;

namespace FlowRunner.Gateway.Tests;

/// <summary>The hub closes a stream whose session was revoked between its lookup and its registration.</summary>
public sealed class PushHubTests
{
    private static readonly TimeProvider Time = TimeProvider.System;

    [Fact]
    public async Task A_stream_looked_up_before_its_sessions_revocation_is_closed_when_it_registers()
    {
        var hub = new PushHub(Time);
        long askedBefore = Time.GetTimestamp();
        hub.RevokeDeviceSession("u1", "s1");

        using Subscription late = hub.Register("u1", "s1", askedBefore);
        using Subscription sibling = hub.Register("u1", "s2", askedBefore);

        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => late.Events.Completion)).StatusCode);
        Assert.False(sibling.Events.Completion.IsCompleted); // another session of the user stays open
    }

    [Fact]
    public async Task After_all_of_a_users_sessions_are_revoked_only_sessions_looked_up_later_open()
    {
        var hub = new PushHub(Time);
        long askedBefore = Time.GetTimestamp();
        hub.RevokeAllForUser("u1");
        long askedAfter = Time.GetTimestamp();

        using Subscription late = hub.Register("u1", "s1", askedBefore);
        using Subscription signedInAgain = hub.Register("u1", "s3", askedAfter);
        using Subscription otherUser = hub.Register("u2", "s9", askedBefore);

        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => late.Events.Completion)).StatusCode);
        Assert.False(signedInAgain.Events.Completion.IsCompleted);
        Assert.False(otherUser.Events.Completion.IsCompleted);
    }
}
