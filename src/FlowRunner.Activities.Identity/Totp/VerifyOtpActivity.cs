using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Totp;

/// <summary>
/// "Verify OTP code": waits for a code, then outcome "valid" or "invalid". A 6-digit code is checked as TOTP
/// (one step either side; each step usable once, RFC 6238 §5.2) or, for the email method, against the code sent
/// for this very login; a backup code is redeemed once, atomically.
/// Failures count toward the same lockout as passwords; a locked account is refused.
/// </summary>
internal sealed class VerifyOtpActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.verify-otp";

    public override IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public override IReadOnlyList<string> Labels => ["Verify OTP code"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (!context.IsResumed)
        {
            // The sign-in waits for its second factor only so long (IdentityOptions.MfaLoginTimeout), then ends.
            return ValueTask.FromResult(Ask(context, WaitRequest.ForFields([new("code", new InputField("code"))]), Services.Options.MfaLoginTimeout));
        }

        return ValueTask.FromResult(InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            string code = context.Input["code"].GetString() ?? string.Empty;
            string? userId = Variable(context, UserVariable);
            UserRecord? user = userId is null ? null : await store.FindAsync(userId).ConfigureAwait(false);
            if (user is null)
            {
                return ActivityResult.WithOutcome("invalid");
            }

            if (Variable(context, PasswordCheckVariable) is { } checkedPassword && checkedPassword != Fingerprint(user.PasswordHash))
            {
                // The password changed (a reset) after this sign-in checked it: the sign-in ends, whatever the code.
                return ActivityResult.Fail("the password changed after this sign-in began: sign in again");
            }

            if (user.IsLockedAt(now))
            {
                await store.AuditAsync(user.Id, "mfa.locked", null, now).ConfigureAwait(false);
                return ActivityResult.WithOutcome("invalid");
            }

            string? accepted = await CheckSecondFactorAsync(store, context, user, code.Trim(), now).ConfigureAwait(false);
            if (accepted is null)
            {
                long failures = await store.RecordFailureAsync(user.Id, now, Services.Options.MaxFailedAttempts, Services.Options.LockoutDuration).ConfigureAwait(false);
                await store.AuditAsync(user.Id, failures >= Services.Options.MaxFailedAttempts ? "mfa.lockout" : "mfa.invalid-code",
                    $"failed attempts: {failures}", now).ConfigureAwait(false);
                return ActivityResult.WithOutcome("invalid");
            }

            await store.ResetFailuresAsync(user.Id, now).ConfigureAwait(false);
            await store.AuditAsync(user.Id, accepted, null, now).ConfigureAwait(false);
            return ActivityResult.WithOutcome("valid");
        }));
    }
}
