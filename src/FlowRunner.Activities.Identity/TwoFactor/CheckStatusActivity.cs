using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Check current 2FA status": tells the caller whether two-factor sign-in is on.</summary>
internal sealed class CheckStatusActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>The field carrying a current second-factor code, asked at the start of the set-up and here.</summary>
    public const string CurrentCodeField = "current_code";

    /// <summary>How long the set-up waits here for a current code before it ends.</summary>
    public static readonly TimeSpan CodeWait = TimeSpan.FromMinutes(5);

    private static readonly string[] Methods = ["totp"];

    public override string Type => "identity.check-2fa-status";

    public override IReadOnlyList<string> Labels => ["Check current 2FA status"];

    /// <summary>
    /// With 2FA off, reports it and goes on. With 2FA on, replacing it needs a current code (TOTP-07): an access token
    /// alone must not swap the authenticator and the backup codes. A missing or wrong code waits here for one (the route
    /// answers 403); wrong codes count toward the lock like any other.
    /// </summary>
    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord user = await RequireUserAsync(store, context).ConfigureAwait(false);
            ActivityResult status = ActivityResult.Done(Outputs(("mfa_enabled", user.MfaEnabled == 1), ("methods", Methods), ("error", null), ("error_description", null)));
            if (user.MfaEnabled == 0)
            {
                return status;
            }

            DateTimeOffset now = context.Time.GetUtcNow();
            string? code = context.Secret(CurrentCodeField);
            string? accepted = code is null || user.IsLockedAt(now) ? null : await CheckSecondFactorAsync(store, context, user, code.Trim(), now).ConfigureAwait(false);
            if (accepted is not null)
            {
                await store.AuditAsync(user.Id, "2fa.change-confirmed", accepted, now).ConfigureAwait(false);
                return status;
            }

            if (code is not null && !user.IsLockedAt(now))
            {
                await store.RecordFailureAsync(user.Id, now, Services.Options.MaxFailedAttempts, Services.Options.LockoutDuration).ConfigureAwait(false);
                await store.AuditAsync(user.Id, "2fa.change-refused", "wrong current code", now).ConfigureAwait(false);
            }

            return Ask(context, WaitRequest.ForFields([new(CurrentCodeField, new InputField("code"))]), CodeWait);
        }));
}
