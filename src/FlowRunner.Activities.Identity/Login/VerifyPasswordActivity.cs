using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>
/// "Verify password hash": outcome "correct" or "incorrect". A locked account is "incorrect" whatever the password
/// (with a bcrypt verify all the same, so timing does not tell); a wrong password counts toward the lock
/// (5 failures lock for 15 minutes by default); success re-hashes at the current cost and, when no second factor
/// follows, clears the count.
/// </summary>
internal sealed class VerifyPasswordActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.verify-password";

    public override IReadOnlyList<string> Outcomes => ["correct", "incorrect"];

    public override IReadOnlyList<string> Labels => ["Verify password hash"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        DateTimeOffset now = context.Time.GetUtcNow();
        string? userId = Variable(context, UserVariable);
        UserRecord? user = userId is null ? null : await Store(context).FindAsync(userId).ConfigureAwait(false);
        string? password = context.Secret("password");
        if (user is null || password is null)
        {
            // The password is held in memory only; after a restart it is gone and the user is asked again.
            Services.Passwords.DummyVerify(password ?? string.Empty);
            return ActivityResult.WithOutcome("incorrect");
        }

        bool matches = PasswordHasher.Verify(user.PasswordHash, password);
        if (user.IsLockedAt(now))
        {
            await Store(context).AuditAsync(user.Id, "login.locked", null, now).ConfigureAwait(false);
            return ActivityResult.WithOutcome("incorrect");
        }

        if (!matches)
        {
            long failures = await Store(context).RecordFailureAsync(user.Id, now, Services.Options.MaxFailedAttempts, Services.Options.LockoutDuration).ConfigureAwait(false);
            await Store(context).AuditAsync(user.Id, failures >= Services.Options.MaxFailedAttempts ? "login.lockout" : "login.wrong-password",
                $"failed attempts: {failures}", now).ConfigureAwait(false);
            return ActivityResult.WithOutcome("incorrect");
        }

        if (user.MfaEnabled == 0)
        {
            // Only a complete sign-in clears the count: with two factors, the code check clears it. Otherwise someone
            // who has the password could guess codes forever, each new login wiping the failures (LOCK-04).
            await Store(context).ResetFailuresAsync(user.Id, now).ConfigureAwait(false);
        }

        if (Services.Passwords.NeedsRehash(user.PasswordHash) && PasswordHasher.PolicyProblem(password) is null)
        {
            await Store(context).SetPasswordHashAsync(user.Id, Services.Passwords.Hash(password), now).ConfigureAwait(false);
        }

        await Store(context).AuditAsync(user.Id, "login.password-ok", null, now).ConfigureAwait(false);
        return ActivityResult.WithOutcome("correct");
    }
}
