using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Check current 2FA status": tells the caller whether two-factor sign-in is on.</summary>
internal sealed class CheckStatusActivity(IdentityServices services) : IdentityActivity(services)
{
    private static readonly string[] Methods = ["totp"];

    public override string Type => "identity.check-2fa-status";

    public override IReadOnlyList<string> Labels => ["Check current 2FA status"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        UserRecord user = await RequireUserAsync(Store(context), context).ConfigureAwait(false);
        return ActivityResult.Done(Outputs(("mfa_enabled", user.MfaEnabled == 1), ("methods", Methods)));
    }
}
