using System.Buffers.Text;
using System.Security.Cryptography;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity.Refresh;

/// <summary>"Send refresh token": waits for the refresh token (held in memory only).</summary>
internal sealed class SendRefreshTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.send-refresh-token";

    public override IReadOnlyList<string> Labels => ["Send refresh token"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed
            ? ActivityResult.Done()
            : ActivityResult.WaitFor(WaitRequest.ForFields([new("refresh_token", new InputField("secret"))])));
}

/// <summary>
/// "Validate refresh token": "valid" once per token (it is marked used in the same statement); a token presented
/// again revokes its whole family and session (RFC 9700 §4.14.2), so a thief and the victim both lose it.
/// </summary>
internal sealed class ValidateRefreshTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    internal const string FamilyVariable = "refresh_family";
    internal const string SessionVariable = "refresh_session";
    internal const string ExpiresVariable = "refresh_expires";

    public override string Type => "identity.validate-refresh-token";

    public override IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public override IReadOnlyList<string> Labels => ["Validate refresh token"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        DateTimeOffset now = context.Time.GetUtcNow();
        string hash = Services.Codes.HashCode(context.Secret("refresh_token") ?? string.Empty);
        RefreshTokenRecord? token = await Store(context).RedeemRefreshTokenAsync(hash, now).ConfigureAwait(false);
        if (token is null)
        {
            if (await Store(context).FindUsedRefreshTokenAsync(hash).ConfigureAwait(false) is { } reused)
            {
                await Store(context).RevokeFamilyAsync(reused.FamilyId, now).ConfigureAwait(false);
                await Store(context).AuditAsync(reused.UserId, "refresh.reuse", "family revoked", now).ConfigureAwait(false);
            }

            return ActivityResult.WithOutcome("invalid");
        }

        SetVariable(context, UserVariable, token.UserId);
        SetVariable(context, FamilyVariable, token.FamilyId);
        SetVariable(context, SessionVariable, token.SessionId);
        SetVariable(context, ExpiresVariable, token.ExpiresAt);
        return ActivityResult.WithOutcome("valid");
    }
}

/// <summary>"Rotate refresh token": a new token of the same family; the family's 7-day limit is not extended.</summary>
internal sealed class RotateRefreshTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.rotate-refresh-token";

    public override IReadOnlyList<string> Labels => ["Rotate refresh token"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        DateTimeOffset now = context.Time.GetUtcNow();
        string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await Store(context).AddRefreshTokenAsync(Services.Codes.HashCode(token),
            Variable(context, ValidateRefreshTokenActivity.FamilyVariable)!, Variable(context, ValidateRefreshTokenActivity.SessionVariable)!,
            Variable(context, UserVariable)!, now, StoredTime.Parse(Variable(context, ValidateRefreshTokenActivity.ExpiresVariable)!)).ConfigureAwait(false);
        await Store(context).AuditAsync(Variable(context, UserVariable), "refresh.rotated", null, now).ConfigureAwait(false);
        return ActivityResult.Done(secretOutputs: Outputs(("refresh_token", token)));
    }
}

/// <summary>"Generate new JWT": a fresh one-hour access token for the refresh token's user.</summary>
internal sealed class GenerateNewJwtActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.generate-new-jwt";

    public override IReadOnlyList<string> Labels => ["Generate new JWT"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        UserRecord user = await Store(context).FindAsync(Variable(context, UserVariable)!).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the refresh token's user no longer exists");
        return ActivityResult.Done(
            Outputs(("token_type", "Bearer"), ("expires_in", (long)Services.Options.Jwt.AccessTokenLifetime.TotalSeconds)),
            Outputs(("access_token", Services.Tokens(context.Time).IssueAccessToken(user.Id, user.Email, user.Role))));
    }
}
