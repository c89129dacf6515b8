using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Devices;

/// <summary>"Enter sign-in email": waits for the address a device signs in with.</summary>
internal sealed class EnterSignInEmailActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.enter-sign-in-email";

    public override IReadOnlyList<string> Labels => ["Enter sign-in email"];

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
