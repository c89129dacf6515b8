using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Refresh;

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
