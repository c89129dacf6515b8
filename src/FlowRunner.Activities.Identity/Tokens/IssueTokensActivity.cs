using System.Buffers.Text;
using System.Security.Cryptography;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity.Tokens;

/// <summary>
/// "Generate JWT token": a session, a refresh token (256 bits, stored hashed, first of a new family, good for 7 days
/// from this login) and a one-hour access token, delivered as an RFC 6749 §5.1 token response.
/// </summary>
internal sealed class IssueTokensActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.issue-tokens";

    public override IReadOnlyList<string> Labels => ["Generate JWT token"];

    // Its only work is the commit's (the HMAC-signed token costs microseconds): it shares the transaction left open.
    public override bool IsInstant => true;

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            string? userId = Variable(context, UserVariable);
            UserRecord user = (userId is null ? null : await store.FindAsync(userId).ConfigureAwait(false))
                ?? throw new InvalidOperationException("no signed-in user: 'Generate JWT token' must follow a successful password or code check");
            DateTimeOffset expires = now + Services.Options.RefreshTokenLifetime;
            string sessionId = await store.CreateSessionAsync(user.Id, now, expires).ConfigureAwait(false);
            string refreshToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            await store.AddRefreshTokenAsync(Services.Codes.HashCode(refreshToken), RecordId.New(), sessionId, user.Id, now, expires).ConfigureAwait(false);
            string accessToken = Services.Tokens(context.Time).IssueAccessToken(user.Id, user.Email, user.Role);
            await store.AuditAsync(user.Id, "login.success", null, now).ConfigureAwait(false);
            // The tokens go to the caller only (secret outputs): the database keeps the refresh token's hash, nothing more.
            return ActivityResult.Done(
                Outputs(
                    ("token_type", "Bearer"),
                    ("expires_in", (long)Services.Options.Jwt.AccessTokenLifetime.TotalSeconds),
                    ("error", null),
                    ("error_description", null),
                    ("mfa_required", null)),
                Outputs(("access_token", accessToken), ("refresh_token", refreshToken)));
        }));
}
