using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Click reset link": waits for the token from the link (held in memory only).</summary>
internal sealed class ClickResetLinkActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.click-reset-link";

    public override IReadOnlyList<string> Labels => ["Click reset link"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed
            ? ActivityResult.Done()
            : Ask(context, WaitRequest.ForFields([new("token", new InputField("secret"))]), SendResetEmailActivity.Lifetime));
}
