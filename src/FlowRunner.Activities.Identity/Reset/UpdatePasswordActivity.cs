using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>
/// "Update password": uses the token once (atomically), stores the new hash, clears any lock, revokes every session and
/// refresh token (SES-02), and tells the user by email (outbox).
/// </summary>
internal sealed class UpdatePasswordActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.update-password";

    public override IReadOnlyList<string> Labels => ["Update password"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        DateTimeOffset now = context.Time.GetUtcNow();
        string password = context.Secret("password") ?? throw new InvalidOperationException("the new password is gone (the server restarted): open the link again");
        string? userId = await Store(context).UseResetTokenAsync(Services.Codes.HashCode(context.Secret("token") ?? string.Empty), now).ConfigureAwait(false);
        if (userId is null)
        {
            return ActivityResult.Fail("the reset link was already used or has expired: request a new one");
        }

        await Store(context).SetPasswordHashAsync(userId, Services.Passwords.Hash(password), now).ConfigureAwait(false);
        await Store(context).RevokeResetTokensAsync(userId, now).ConfigureAwait(false);
        await Store(context).ResetFailuresAsync(userId, now).ConfigureAwait(false);
        await Store(context).RevokeUserSessionsAsync(userId, now).ConfigureAwait(false);
        await Store(context).AuditAsync(userId, "reset.password-changed", "sessions revoked", now).ConfigureAwait(false);
        UserRecord? user = await Store(context).FindAsync(userId).ConfigureAwait(false);
        context.Emit("email.password-changed", JsonSerializer.SerializeToElement(new { to = user?.Email, subject = "Your password was changed" }));
        return ActivityResult.Done(Outputs(("message", "Your password was changed. Sign in with the new one.")));
    }
}
