using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Show error message": the code did not match; the user tries again with the next code.</summary>
internal sealed class SetupErrorActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.setup-error";

    public override IReadOnlyList<string> Labels => ["Show error message"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done(Outputs(("error", "invalid_code"), ("error_description", "The code does not match; enter the current code from the app."))));
}
