using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Generate 10 backup codes": new codes from the CSPRNG, held in memory until they are stored hashed and shown.</summary>
internal sealed class GenerateBackupCodesActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.generate-backup-codes";

    public override IReadOnlyList<string> Labels => ["Generate 10 backup codes"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        SetupSecrets.KeepNewBackupCodes(context);
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
