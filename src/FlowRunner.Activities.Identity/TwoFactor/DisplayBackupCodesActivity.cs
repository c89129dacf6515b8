using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Display codes to user": the codes, once, to this caller only.</summary>
internal sealed class DisplayBackupCodesActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.display-backup-codes";

    public override IReadOnlyList<string> Labels => ["Display codes to user"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done(secretOutputs: Outputs(("backup_codes", SetupSecrets.RequireBackupCodes(context)))));
}
