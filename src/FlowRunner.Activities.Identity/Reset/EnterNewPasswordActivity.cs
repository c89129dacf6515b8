using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Enter new password": waits for the new password; one that breaks the policy is asked for again.</summary>
internal sealed class EnterNewPasswordActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.enter-new-password";

    public override IReadOnlyList<string> Labels => ["Enter new password"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        bool acceptable = context.IsResumed && PasswordHasher.PolicyProblem(context.Secret("password") ?? string.Empty) is null;
        return ValueTask.FromResult(acceptable
            ? ActivityResult.Done()
            : Ask(context, WaitRequest.ForFields([new("password", new InputField("secret"))])));
    }
}
