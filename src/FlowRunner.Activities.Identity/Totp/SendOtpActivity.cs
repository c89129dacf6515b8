using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Totp;

/// <summary>
/// "Send OTP to device": for an authenticator app nothing is sent and the caller is told a code is needed; for the
/// email method a 6-digit code from the CSPRNG is stored hashed, bound to this login, good for 10 minutes and once,
/// and the email carrying it is written to the outbox (OOB-01).
/// </summary>
internal sealed class SendOtpActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>How long an emailed code works.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public override string Type => "identity.send-otp";

    public override IReadOnlyList<string> Labels => ["Send OTP to device"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord? user = Variable(context, UserVariable) is { } id ? await store.FindAsync(id).ConfigureAwait(false) : null;
            if (user is not { MfaMethod: "email" })
            {
                return ActivityResult.Done(Outputs(("mfa_required", true), ("mfa_method", "totp")));
            }

            DateTimeOffset now = context.Time.GetUtcNow();
            string code = IdentityServices.NewEmailCode();
            await store.StoreEmailCodeAsync(context.InstanceId, user.Id, Services.HashEmailCode(context.InstanceId, code), now + CodeLifetime).ConfigureAwait(false);
            context.Emit("email.sign-in-code", JsonSerializer.SerializeToElement(new { to = user.Email, subject = "Your sign-in code", code }));
            await store.AuditAsync(user.Id, "mfa.email-code-sent", null, now).ConfigureAwait(false);
            return ActivityResult.Done(Outputs(("mfa_required", true), ("mfa_method", "email")));
        }));
}
