using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Totp;

/// <summary>"Send OTP to device": for an authenticator app (TOTP) nothing is sent; the caller is told a code is needed.</summary>
public sealed class SendOtpActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.send-otp";

    public override IReadOnlyList<string> Labels => ["Send OTP to device"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done(Outputs(("mfa_required", true), ("mfa_method", "totp"))));
}
