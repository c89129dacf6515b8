using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Enter email": waits for the address to reset.</summary>
internal sealed class EnterEmailActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.enter-email";

    public override IReadOnlyList<string> Labels => ["Enter email"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (!context.IsResumed)
        {
            return ValueTask.FromResult(ActivityResult.WaitFor(WaitRequest.ForFields([new("email", new InputField("email"))])));
        }

        SetVariable(context, EmailVariable, UserRecord.NormalizeEmail(context.Input["email"].GetString()!));
        return ValueTask.FromResult(ActivityResult.Done());
    }
}

/// <summary>"Request password reset": finds the account, if there is one; nothing of that reaches the caller.</summary>
internal sealed class RequestResetActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.request-reset";

    public override IReadOnlyList<string> Labels => ["Request password reset"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        UserRecord? user = await Store(context).FindByEmailAsync(Variable(context, EmailVariable) ?? string.Empty).ConfigureAwait(false);
        SetVariable(context, UserVariable, user?.Id);
        await Store(context).AuditAsync(user?.Id, user is null ? "reset.unknown-email" : "reset.requested", null, context.Time.GetUtcNow()).ConfigureAwait(false);
        return ActivityResult.Done();
    }
}

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

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (Variable(context, UserVariable) is { } userId)
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            string tokenHash = Services.Codes.HashCode(token);
            await Store(context).AddResetTokenAsync(tokenHash, userId, now + Lifetime).ConfigureAwait(false);
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
    }
}

/// <summary>"Click reset link": waits for the token from the link (held in memory only).</summary>
internal sealed class ClickResetLinkActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.click-reset-link";

    public override IReadOnlyList<string> Labels => ["Click reset link"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed
            ? ActivityResult.Done()
            : ActivityResult.WaitFor(WaitRequest.ForFields([new("token", new InputField("secret"))])));
}

/// <summary>"Validate reset token": "valid" for an unused token less than an hour old.</summary>
internal sealed class ValidateResetTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.validate-reset-token";

    public override IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public override IReadOnlyList<string> Labels => ["Validate reset token"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string hash = Services.Codes.HashCode(context.Secret("token") ?? string.Empty);
        string? userId = await Store(context).FindResetTokenUserAsync(hash, context.Time.GetUtcNow()).ConfigureAwait(false);
        return ActivityResult.WithOutcome(userId is null ? "invalid" : "valid");
    }
}

/// <summary>"Enter new password": waits for the new password; one that breaks the policy is asked for again.</summary>
internal sealed class EnterNewPasswordActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.enter-new-password";

    public override IReadOnlyList<string> Labels => ["Enter new password"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        bool acceptable = context.IsResumed && PasswordHasher.PolicyProblem(context.Secret("password") ?? string.Empty) is null;
        return ValueTask.FromResult(acceptable
            ? ActivityResult.Done()
            : ActivityResult.WaitFor(WaitRequest.ForFields([new("password", new InputField("secret"))])));
    }
}

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
        await Store(context).ResetFailuresAsync(userId, now).ConfigureAwait(false);
        await Store(context).RevokeUserSessionsAsync(userId, now).ConfigureAwait(false);
        await Store(context).AuditAsync(userId, "reset.password-changed", "sessions revoked", now).ConfigureAwait(false);
        UserRecord? user = await Store(context).FindAsync(userId).ConfigureAwait(false);
        context.Emit("email.password-changed", JsonSerializer.SerializeToElement(new { to = user?.Email, subject = "Your password was changed" }));
        return ActivityResult.Done(Outputs(("message", "Your password was changed. Sign in with the new one.")));
    }
}
