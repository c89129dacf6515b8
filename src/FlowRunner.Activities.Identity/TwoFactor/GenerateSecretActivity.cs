using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Generate TOTP secret": 160 bits from the CSPRNG, held in memory until it is stored encrypted as pending.</summary>
internal sealed class GenerateSecretActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.generate-totp-secret";

    public override IReadOnlyList<string> Labels => ["Generate TOTP secret"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        SetupSecrets.KeepNewTotpSecret(context);
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
