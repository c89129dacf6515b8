using FlowRunner.Activities.Identity.BackupCodes;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Hash and store codes": replaces the whole previous set with the hashes of the new one.</summary>
internal sealed class StoreBackupCodesActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.store-backup-codes";

    public override IReadOnlyList<string> Labels => ["Hash and store codes"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord user = await RequireUserAsync(store, context).ConfigureAwait(false);
            string[] codes = SetupSecrets.RequireBackupCodes(context);
            DateTimeOffset now = context.Time.GetUtcNow();
            await store.ReplaceBackupCodesAsync(user.Id, codes.Select(c => Services.Codes.HashCode(BackupCodeGenerator.Normalize(c)!)), now).ConfigureAwait(false);
            await store.AuditAsync(user.Id, "2fa.backup-codes-regenerated", null, now).ConfigureAwait(false);
            Notify(context, user, "New backup codes", "New backup codes were generated for your account; the previous ones no longer work.");
            return ActivityResult.Done();
        }));
}
