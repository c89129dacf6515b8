using System.Text.Json;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Generate TOTP secret": 160 bits from the CSPRNG, held in memory until it is stored encrypted as pending.</summary>
internal sealed class GenerateSecretActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>The name of the in-memory secret the next nodes read.</summary>
    public const string SecretName = "totp_secret";

    public override string Type => "identity.generate-totp-secret";

    public override IReadOnlyList<string> Labels => ["Generate TOTP secret"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.KeepSecret(SecretName, JsonSerializer.SerializeToElement(Base32.Encode(OneTimePassword.NewSecret())));
        return ValueTask.FromResult(ActivityResult.Done());
    }

    internal static byte[] Require(ActivityContext context) =>
        (context.Secret(SecretName) is { } base32 ? Base32.Decode(base32) : null)
        ?? throw new InvalidOperationException("the new secret is gone (the server restarted during set-up): start the set-up again");
}
