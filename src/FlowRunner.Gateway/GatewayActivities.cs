using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Activities;

namespace FlowRunner.Gateway;

/// <summary>The handlers of the gateway's flows: the command flow's checks in the order seed 004 draws them, then the public auth flow's.</summary>
internal static class GatewayActivities
{
    public static IReadOnlyList<IActivityHandler> Handlers(GatewayServices services, Push.PushHub hub) =>
    [
        new ValidateEnvelopeActivity(services),
        new LookUpSessionActivity(services),
        new VerifyPayloadHashActivity(services),
        new VerifySignatureActivity(services),
        new CheckFreshnessActivity(services),
        new ReserveRequestActivity(services),
        new ApplyBudgetsActivity(services),
        new RouteCommandActivity(services),
        new CallBackendActivity(services),
        new SignResponseActivity(services),
        new ClassifyRequestActivity(services),
        new CheckBodyActivity(services),
        new RateLimitActivity(services),
        new ForwardActivity(services),
        new SendServerTimeActivity(services),
        new RegisterStreamActivity(services, hub),
    ];
}
