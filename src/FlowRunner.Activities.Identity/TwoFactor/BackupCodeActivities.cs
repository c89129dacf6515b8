using System.Text.Json;
using FlowRunner.Activities.Identity.BackupCodes;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Generate 10 backup codes": new codes from the CSPRNG, held in memory until they are stored hashed and shown.</summary>
internal sealed class GenerateBackupCodesActivity(IdentityServices services) : IdentityActivity(services)
{
    internal const string SecretName = "backup_codes";

    public override string Type => "identity.generate-backup-codes";

    public override IReadOnlyList<string> Labels => ["Generate 10 backup codes"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        // Held as the JSON text of the list: secrets are strings.
        context.KeepSecret(SecretName, JsonSerializer.SerializeToElement(JsonSerializer.Serialize(BackupCodeGenerator.Generate())));
        return ValueTask.FromResult(ActivityResult.Done());
    }

    internal static string[] Require(ActivityContext context) =>
        (context.Secret(SecretName) is { } json ? JsonSerializer.Deserialize<string[]>(json) : null)
        ?? throw new InvalidOperationException("the new backup codes are gone (the server restarted): generate them again");
}

/// <summary>"Hash and store codes": replaces the whole previous set with the hashes of the new one.</summary>
internal sealed class StoreBackupCodesActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.store-backup-codes";

    public override IReadOnlyList<string> Labels => ["Hash and store codes"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        UserRecord user = await CheckStatusActivity.RequireUserAsync(context).ConfigureAwait(false);
        string[] codes = GenerateBackupCodesActivity.Require(context);
        DateTimeOffset now = context.Time.GetUtcNow();
        await Store(context).ReplaceBackupCodesAsync(user.Id, codes.Select(c => Services.Codes.HashCode(BackupCodeGenerator.Normalize(c)!)), now).ConfigureAwait(false);
        await Store(context).AuditAsync(user.Id, "2fa.backup-codes-regenerated", null, now).ConfigureAwait(false);
        Totp.VerifyOtpActivity.Notify(context, user, "New backup codes", "New backup codes were generated for your account; the previous ones no longer work.");
        return ActivityResult.Done();
    }
}

/// <summary>"Display codes to user": the codes, once, to this caller only.</summary>
internal sealed class DisplayBackupCodesActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.display-backup-codes";

    public override IReadOnlyList<string> Labels => ["Display codes to user"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done(secretOutputs: Outputs(("backup_codes", GenerateBackupCodesActivity.Require(context)))));
}

/// <summary>"Enter verification code" and "Save backup codes": the user confirms they have stored the codes.</summary>
internal sealed class ConfirmActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.confirm";

    public override IReadOnlyList<string> Labels => ["Enter verification code", "Save backup codes"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed ? ActivityResult.Done() : ActivityResult.WaitFor(WaitRequest.Confirmation));
}
