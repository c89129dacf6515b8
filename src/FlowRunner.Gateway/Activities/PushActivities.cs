using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Push;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>"Send server time": the stream's first event is the gateway's clock, signed, so the client can correct its own.</summary>
internal sealed class SendServerTimeActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.server-time";

    public override IReadOnlyList<string> Labels => ["Send server time"];

    protected override async ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        if (call.Stream is not { } stream)
        {
            return call.Refuse(StatusCode.Internal, "\"Send server time\" belongs in the subscription flow, where there is a stream");
        }

        long now = Services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await stream.WriteAsync(GatewayEvents.Sign(Services.Key, GatewayEvents.ServerTime, now, JsonSerializer.SerializeToUtf8Bytes(new { server_time_ms = now })), cancellationToken).ConfigureAwait(false);
        return ActivityResult.Done();
    }
}

/// <summary>"Register with hub": the stream joins the hub under its user and device session, to receive their events.</summary>
internal sealed class RegisterStreamActivity(GatewayServices services, PushHub hub) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.hub-register";

    public override IReadOnlyList<string> Labels => ["Register with hub"];

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        call.Subscription = hub.Register(call.ValidSession.UserId, call.ValidEnvelope.DeviceSessionId, call.SessionAskedAt);
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
