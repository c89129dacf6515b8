using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Code valid?": the code must match the pending secret (not yet expired), one step either side; failures count toward lockout.</summary>
internal sealed class CheckSetupCodeActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>The variable holding the step the code proved (not secret).</summary>
    public const string StepVariable = "totp_setup_step";

    public override string Type => "identity.check-setup-code";

    public override IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public override IReadOnlyList<string> Labels => ["Code valid?"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord user = await RequireUserAsync(store, context).ConfigureAwait(false);
            DateTimeOffset now = context.Time.GetUtcNow();
            string? pending = await store.GetPendingSecretAsync(user.Id, now).ConfigureAwait(false);
            string code = context.Secret("code") ?? string.Empty;
            long? step = pending is null ? null : OneTimePassword.Verify(Services.Secrets.Unprotect(pending), code, now);
            if (step is null)
            {
                await store.RecordFailureAsync(user.Id, now, Services.Options.MaxFailedAttempts, Services.Options.LockoutDuration).ConfigureAwait(false);
                await store.AuditAsync(user.Id, pending is null ? "2fa.pending-expired" : "2fa.invalid-code", null, now).ConfigureAwait(false);
                return ActivityResult.WithOutcome("invalid");
            }

            context.SetVariable(StepVariable, JsonSerializer.SerializeToElement(step.Value));
            return ActivityResult.WithOutcome("valid");
        }));
}
