using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Refresh;

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

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            string hash = Services.Codes.HashCode(context.Secret("refresh_token") ?? string.Empty);
            RefreshTokenRecord? token = await store.RedeemRefreshTokenAsync(hash, now).ConfigureAwait(false);
            if (token is null)
            {
                if (await store.FindUsedRefreshTokenAsync(hash).ConfigureAwait(false) is { } reused)
                {
                    await store.RevokeFamilyAsync(reused.FamilyId, now).ConfigureAwait(false);
                    await store.AuditAsync(reused.UserId, "refresh.reuse", "family revoked", now).ConfigureAwait(false);
                }

                return ActivityResult.WithOutcome("invalid");
            }

            SetVariable(context, UserVariable, token.UserId);
            SetVariable(context, FamilyVariable, token.FamilyId);
            SetVariable(context, SessionVariable, token.SessionId);
            SetVariable(context, ExpiresVariable, token.ExpiresAt);
            return ActivityResult.WithOutcome("valid");
        }));
}
