using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Enter verification code" and "Save backup codes": the user confirms they have stored the codes.</summary>
internal sealed class ConfirmActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.confirm";

    public override IReadOnlyList<string> Labels => ["Enter verification code", "Save backup codes"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed ? ActivityResult.Done() : Ask(context, WaitRequest.Confirmation));
}
