using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Scan QR code with app": waits for the first code the app shows (held in memory only).</summary>
internal sealed class SubmitCodeActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.submit-setup-code";

    public override IReadOnlyList<string> Labels => ["Scan QR code with app"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsResumed
            ? ActivityResult.Done()
            : Ask(context, WaitRequest.ForFields([new("code", new InputField("code"))]), Services.Options.PendingSecretLifetime));
}
