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
        string password = context.Secret("password") ?? throw new InvalidOperationException("the new password is gone (the server restarted): open the link again");
        string passwordHash;
        using (await Services.PasswordWorkAsync(cancellationToken).ConfigureAwait(false))
        {
            passwordHash = Services.Passwords.Hash(password); // bcrypt, with no transaction open
        }

        string tokenHash = Services.Codes.HashCode(context.Secret("token") ?? string.Empty);
        return InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            string? userId = await store.UseResetTokenAsync(tokenHash, now).ConfigureAwait(false);
            if (userId is null)
            {
                return ActivityResult.Fail("the reset link was already used or has expired: request a new one");
            }

            await store.SetPasswordHashAsync(userId, passwordHash, now).ConfigureAwait(false);
            await store.RevokeResetTokensAsync(userId, now).ConfigureAwait(false);
            await store.ResetFailuresAsync(userId, now).ConfigureAwait(false);
            await store.RevokeUserSessionsAsync(userId, now).ConfigureAwait(false);
            await store.AuditAsync(userId, "reset.password-changed", "sessions revoked", now).ConfigureAwait(false);
            UserRecord? user = await store.FindAsync(userId).ConfigureAwait(false);
            context.Emit("email.password-changed", JsonSerializer.SerializeToElement(new { to = user?.Email, subject = "Your password was changed" }));
            return ActivityResult.Done(Outputs(("message", "Your password was changed. Sign in with the new one.")));
        });
    }
}
