using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;
using QRCoder;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Create QR code": the otpauth:// URI and its QR code (SVG and PNG), delivered to this caller only.</summary>
internal sealed class CreateQrCodeActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.create-qr-code";

    public override IReadOnlyList<string> Labels => ["Create QR code"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        byte[] secret = SetupSecrets.RequireTotpSecret(context);
        UserRecord user = await RequireUserAsync(Store(context), context).ConfigureAwait(false);
        string uri = OneTimePassword.KeyUri(Services.Options.TotpIssuer, user.Email, secret);
        using var generator = new QRCodeGenerator();
        using QRCodeData data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        string svg = new SvgQRCode(data).GetGraphic(4);
        string png = Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
        return ActivityResult.Done(secretOutputs: Outputs(
            ("secret", OneTimePassword.ToBase32(secret)), ("otpauth_uri", uri), ("qr_svg", svg), ("qr_png", png)));
    }
}
