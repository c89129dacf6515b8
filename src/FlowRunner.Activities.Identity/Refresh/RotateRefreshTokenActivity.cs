using System.Buffers.Text;
using System.Security.Cryptography;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity.Refresh;

/// <summary>"Rotate refresh token": a new token of the same family; the family's 7-day limit is not extended.</summary>
internal sealed class RotateRefreshTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.rotate-refresh-token";

    public override IReadOnlyList<string> Labels => ["Rotate refresh token"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            await store.AddRefreshTokenAsync(Services.Codes.HashCode(token),
                Variable(context, ValidateRefreshTokenActivity.FamilyVariable)!, Variable(context, ValidateRefreshTokenActivity.SessionVariable)!,
                Variable(context, UserVariable)!, now, StoredTime.Parse(Variable(context, ValidateRefreshTokenActivity.ExpiresVariable)!)).ConfigureAwait(false);
            await store.AuditAsync(Variable(context, UserVariable), "refresh.rotated", null, now).ConfigureAwait(false);
            return ActivityResult.Done(secretOutputs: Outputs(("refresh_token", token)));
        }));
}
