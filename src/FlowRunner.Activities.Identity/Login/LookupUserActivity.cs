using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>
/// "Lookup user in database": outcome "found" or "not found". For an unknown email it runs a dummy bcrypt verify
/// of the same cost, so the time a login takes does not tell whether the account exists (ENUM-02).
/// </summary>
internal sealed class LookupUserActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.lookup-user";

    public override IReadOnlyList<string> Outcomes => ["found", "not found"];

    public override IReadOnlyList<string> Labels => ["Lookup user in database"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string email = Variable(context, EmailVariable) ?? string.Empty;
        UserRecord? user = email.Length == 0 ? null : await Store(context).FindByEmailAsync(email).ConfigureAwait(false);
        if (user is null)
        {
            using (await Services.PasswordWorkAsync(cancellationToken).ConfigureAwait(false))
            {
                _ = Services.Passwords.Check(null, context.Secret("password") ?? string.Empty); // the same bcrypt a known user costs
            }

            SetVariable(context, UserVariable, null);
            string addressHash = AddressHash(email);
            return InCommit(async store =>
            {
                // Failures count per address whether or not an account has it: a locked one answers as a locked account does.
                DateTimeOffset now = context.Time.GetUtcNow();
                if (await store.AddressLockedUntilAsync(addressHash, now).ConfigureAwait(false) is { } until)
                {
                    throw AddressLocked(until, now);
                }

                await store.RecordAddressFailureAsync(addressHash, now, Services.Options.MaxFailedAttempts, Services.Options.LockoutDuration).ConfigureAwait(false);
                await store.AuditAsync(null, "login.unknown-user", null, now).ConfigureAwait(false);
                return ActivityResult.WithOutcome("not found");
            });
        }

        SetVariable(context, UserVariable, user.Id);
        return ActivityResult.WithOutcome("found");
    }
}
