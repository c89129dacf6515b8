using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Backend;
using FlowRunner.Gateway.Data;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>Looks the device session up in the backend: unknown or revoked is UNAUTHENTICATED, a backend failure UNAVAILABLE.</summary>
internal sealed class LookUpSessionActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.session-lookup";

    public override IReadOnlyList<string> Labels => ["Look up session"];

    protected override async ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        DeviceSession? session;
        call.SessionAskedAt = Services.Time.GetTimestamp();
        try
        {
            session = await Services.Backend.GetSessionAsync(call.ValidEnvelope.DeviceSessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendUnavailableException e)
        {
            return call.Refuse(StatusCode.Unavailable, "the backend is unavailable: " + e.Message);
        }

        if (session is not { Active: true })
        {
            return call.Refuse(StatusCode.Unauthenticated, "the device session is unknown or revoked; sign in again");
        }

        call.Session = session;
        return ActivityResult.Done();
    }
}

/// <summary>
/// Reserves (device session, request id) in the replay store, in the database: of any number of copies of one request
/// exactly one passes; the others are ALREADY_EXISTS.
/// </summary>
internal sealed class ReserveRequestActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.replay-reserve";

    public override IReadOnlyList<string> Labels => ["Reserve request id"];

    // Its only work is the commit's: the steps after it that only write (the budgets) share its transaction.
    public override bool IsInstant => true;

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        V1.Envelope envelope = call.ValidEnvelope;
        long expires = (Services.Time.GetUtcNow() + Services.Options.ReplayLifetime).ToUnixTimeMilliseconds();
        return ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
            await data.Store<IGatewayStore>().ReserveAsync(envelope.DeviceSessionId, envelope.RequestId, expires).ConfigureAwait(false)
                ? ActivityResult.Done()
                : call.Refuse(StatusCode.AlreadyExists, "this request_id was already used by this device session (a replay)")));
    }
}
