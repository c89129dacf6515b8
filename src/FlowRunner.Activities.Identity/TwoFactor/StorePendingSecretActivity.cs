using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Store pending secret": encrypted, expiring (10 minutes by default); it does nothing until a code proves it.</summary>
internal sealed class StorePendingSecretActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.store-pending-secret";

    public override IReadOnlyList<string> Labels => ["Store pending secret"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            byte[] secret = SetupSecrets.RequireTotpSecret(context);
            UserRecord user = await RequireUserAsync(store, context).ConfigureAwait(false);
            DateTimeOffset now = context.Time.GetUtcNow();
            await store.SetPendingSecretAsync(user.Id, Services.Secrets.Protect(secret), now + Services.Options.PendingSecretLifetime).ConfigureAwait(false);
            await store.AuditAsync(user.Id, "2fa.pending", null, now).ConfigureAwait(false);
            return ActivityResult.Done();
        }));
}
