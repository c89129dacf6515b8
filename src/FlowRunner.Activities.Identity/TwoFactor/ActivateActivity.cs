using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Activate 2FA": the pending secret becomes the active one; the step that proved it counts as used.</summary>
internal sealed class ActivateActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.activate-2fa";

    public override IReadOnlyList<string> Labels => ["Activate 2FA"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord user = await RequireUserAsync(store, context).ConfigureAwait(false);
            DateTimeOffset now = context.Time.GetUtcNow();
            string pending = await store.GetPendingSecretAsync(user.Id, now).ConfigureAwait(false)
                ?? throw new InvalidOperationException("the pending secret expired before activation: start the set-up again");
            long step = context.Variables[CheckSetupCodeActivity.StepVariable].GetInt64();
            await store.ActivateTotpAsync(user.Id, pending, step, now).ConfigureAwait(false);
            await store.ResetFailuresAsync(user.Id, now).ConfigureAwait(false);
            await store.AuditAsync(user.Id, user.MfaEnabled == 1 ? "2fa.replaced" : "2fa.activated", null, now).ConfigureAwait(false);
            if (user.MfaEnabled == 1)
            {
                Notify(context, user, "Your authenticator was changed", "Two-factor sign-in on your account now uses a new authenticator, and new backup codes. If it was not you, reset your password.");
            }

            return ActivityResult.Done(Outputs(("mfa_enabled", true), ("error", null), ("error_description", null)));
        }));
}
