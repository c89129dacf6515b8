using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>"MFA enabled?": the decision's own condition, "yes" or "no".</summary>
internal sealed class MfaEnabledActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.mfa-enabled";

    public override IReadOnlyList<string> Outcomes => ["yes", "no"];

    public override IReadOnlyList<string> Labels => ["MFA enabled?"];

    // Its only work is the commit's (a read of the user there): it shares the transaction the password check left open.
    public override bool IsInstant => true;

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string? userId = Variable(context, UserVariable);
        return ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord? user = userId is null ? null : await store.FindAsync(userId).ConfigureAwait(false);
            bool enabled = user is { MfaEnabled: 1 } && (user.TotpSecret is not null || user.MfaMethod == "email");
            return ActivityResult.WithOutcome(enabled ? "yes" : "no");
        }));
    }
}
