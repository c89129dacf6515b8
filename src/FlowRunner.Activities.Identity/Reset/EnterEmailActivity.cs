using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Enter email" (a reset) or "Enter sign-in email" (a device signing in by emailed code): waits for the address.</summary>
internal sealed class EnterEmailActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.enter-email";

    public override IReadOnlyList<string> Labels => ["Enter email", "Enter sign-in email"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (!context.IsResumed)
        {
            return ValueTask.FromResult(Ask(context, WaitRequest.ForFields([new("email", new InputField("email"))])));
        }

        SetVariable(context, EmailVariable, UserRecord.NormalizeEmail(context.Input["email"].GetString()!));
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
