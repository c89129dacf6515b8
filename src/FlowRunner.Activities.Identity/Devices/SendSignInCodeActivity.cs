using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Devices;

/// <summary>
/// "Send sign-in code": a 6-digit code from the CSPRNG, stored hashed and bound to this sign-in, good for 10 minutes,
/// 5 tries and once, emailed through the outbox. An address no account has gets the same treatment when sign-up is on
/// (<see cref="IdentityOptions.EmailSignUp"/>); when it is off, a code is stored but none is sent, so the answer and
/// the work are the same either way.
/// </summary>
internal sealed class SendSignInCodeActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>How long a code works.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public override string Type => "identity.send-sign-in-code";

    public override IReadOnlyList<string> Labels => ["Send sign-in code"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string email = Variable(context, EmailVariable) ?? throw new InvalidOperationException("no email: 'Enter sign-in email' must come first");
        string code = IdentityServices.NewEmailCode();
        string hash = Services.HashEmailCode(context.InstanceId, code);
        return ValueTask.FromResult(InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            UserRecord? user = await store.FindByEmailAsync(email).ConfigureAwait(false);
            await store.StoreEmailChallengeAsync(context.InstanceId, email, hash, now + CodeLifetime).ConfigureAwait(false);
            if (user is not null || Services.Options.EmailSignUp)
            {
                context.Emit("email.sign-in-code", JsonSerializer.SerializeToElement(new { to = email, subject = "Your sign-in code", code }));
            }

            await store.AuditAsync(user?.Id, "device.sign-in-code-sent", user is null ? "no account" : null, now).ConfigureAwait(false);
            return ActivityResult.Done();
        }));
    }
}
