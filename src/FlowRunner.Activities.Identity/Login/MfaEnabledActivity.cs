using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>"MFA enabled?": the decision's own condition, "yes" or "no".</summary>
internal sealed class MfaEnabledActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.mfa-enabled";

    public override IReadOnlyList<string> Outcomes => ["yes", "no"];

    public override IReadOnlyList<string> Labels => ["MFA enabled?"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string? userId = Variable(context, UserVariable);
        UserRecord? user = userId is null ? null : await Store(context).FindAsync(userId).ConfigureAwait(false);
        bool enabled = user is { MfaEnabled: 1 } && (user.TotpSecret is not null || user.MfaMethod == "email");
        return ActivityResult.WithOutcome(enabled ? "yes" : "no");
    }
}
