using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>
/// "Send reset email": for an existing account, a 256-bit token good for one hour (stored hashed) and an email with the
/// link, written to the outbox; for an unknown address, nothing. The answer is the same either way (ENUM-03).
/// </summary>
internal sealed class SendResetEmailActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>The variable holding the reset token's peppered hash.</summary>
    public const string TokenHashVariable = "reset_token_hash";

    /// <summary>How long a reset link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public override string Type => "identity.send-reset-email";

    public override IReadOnlyList<string> Labels => ["Send reset email"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            if (Variable(context, UserVariable) is { } userId)
            {
                DateTimeOffset now = context.Time.GetUtcNow();
                string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
                string tokenHash = Services.Codes.HashCode(token);
                await store.RevokeResetTokensAsync(userId, now).ConfigureAwait(false); // only the newest link works
                await store.AddResetTokenAsync(tokenHash, userId, now + Lifetime).ConfigureAwait(false);
                SetVariable(context, TokenHashVariable, tokenHash); // lets the link find this instance; the hash is useless without the pepper
                context.Emit("email.password-reset", JsonSerializer.SerializeToElement(new
                {
                    to = Variable(context, EmailVariable),
                    subject = "Reset your password",
                    link = Services.Options.ResetLinkBase + token,
                    expires_at = (now + Lifetime).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                }));
            }

            return ActivityResult.Done(Outputs(("message", "If the address has an account, a link to reset its password is on its way.")));
        }));
}
