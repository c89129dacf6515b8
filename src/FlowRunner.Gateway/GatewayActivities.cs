using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Activities;

namespace FlowRunner.Gateway;

/// <summary>The handlers of the gateway's command flow, in the order seed 004 draws its checks.</summary>
internal static class GatewayActivities
{
    public static IReadOnlyList<IActivityHandler> Handlers(GatewayServices services) =>
    [
        new ValidateEnvelopeActivity(services),
        new LookUpSessionActivity(services),
        new VerifyPayloadHashActivity(services),
        new VerifySignatureActivity(services),
        new CheckFreshnessActivity(services),
        new ReserveRequestActivity(services),
        new ApplyBudgetsActivity(services),
        new CallBackendActivity(services),
        new SignResponseActivity(services),
    ];
}
