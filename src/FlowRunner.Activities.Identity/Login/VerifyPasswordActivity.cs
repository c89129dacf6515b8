using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>
/// "Verify password hash": outcome "correct" or "incorrect". A locked account is refused whatever the password, as a
/// locked unknown address is (429; with a bcrypt verify all the same, so timing does not tell); a wrong password counts toward the lock
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
        // bcrypt runs here, with no transaction open; the commit reads the user again and decides.
        string? userId = Variable(context, UserVariable);
        UserRecord? checkedUser = userId is null ? null : await Store(context).FindAsync(userId).ConfigureAwait(false);
        string? password = context.Secret("password"); // in memory only: after a restart it is gone and the user is asked again
        bool matches;
        string? rehashed;
        using (await Services.PasswordWorkAsync(cancellationToken).ConfigureAwait(false))
        {
            matches = Services.Passwords.Check(checkedUser?.PasswordHash, password ?? string.Empty) && checkedUser is not null && password is not null;
            rehashed = matches && Services.Passwords.NeedsRehash(checkedUser!.PasswordHash) && PasswordHasher.PolicyProblem(password!) is null
                ? Services.Passwords.Hash(password!)
                : null;
        }

        return InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            UserRecord? user = checkedUser is null ? null : await store.FindAsync(checkedUser.Id).ConfigureAwait(false);
            if (user is null)
            {
                return ActivityResult.WithOutcome("incorrect");
            }

            if (user.IsLockedAt(now))
            {
                throw AddressLocked(StoredTime.Parse(user.LockedUntil!), now); // 429, the same as for a locked unknown address
            }

            if (user.PasswordHash != checkedUser!.PasswordHash)
            {
                // The password changed while this one was checked against the old hash: no answer either way.
                await store.AuditAsync(user.Id, "login.password-changed-meanwhile", null, now).ConfigureAwait(false);
                return ActivityResult.WithOutcome("incorrect");
            }

            if (!matches)
            {
                long failures = await store.RecordFailureAsync(user.Id, now, Services.Options.MaxFailedAttempts, Services.Options.LockoutDuration).ConfigureAwait(false);
                await store.AuditAsync(user.Id, failures >= Services.Options.MaxFailedAttempts ? "login.lockout" : "login.wrong-password",
                    $"failed attempts: {failures}", now).ConfigureAwait(false);
                return ActivityResult.WithOutcome("incorrect");
            }

            if (user.MfaEnabled == 0)
            {
                // Only a complete sign-in clears the count: with two factors, the code check clears it. Otherwise someone
                // who has the password could guess codes forever, each new login wiping the failures (LOCK-04).
                await store.ResetFailuresAsync(user.Id, now).ConfigureAwait(false);
            }

            if (rehashed is not null)
            {
                await store.SetPasswordHashAsync(user.Id, rehashed, now).ConfigureAwait(false);
            }

            await store.AuditAsync(user.Id, "login.password-ok", null, now).ConfigureAwait(false);
            SetVariable(context, PasswordCheckVariable, Fingerprint(rehashed ?? user.PasswordHash)); // a later password change ends this sign-in
            return ActivityResult.WithOutcome("correct");
        });
    }
}
