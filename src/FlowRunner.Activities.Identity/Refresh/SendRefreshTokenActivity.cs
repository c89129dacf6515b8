using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Refresh;

/// <summary>"Send refresh token": waits for the refresh token (held in memory only).</summary>
internal sealed class SendRefreshTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.send-refresh-token";

    public override IReadOnlyList<string> Labels => ["Send refresh token"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed
            ? ActivityResult.Done()
            : Ask(context, WaitRequest.ForFields([new("refresh_token", new InputField("secret"))])));
}
