using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>"Enter credentials": waits for email and password. The password stays in memory only (a transient secret).</summary>
internal sealed class EnterCredentialsActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.enter-credentials";

    public override IReadOnlyList<string> Labels => ["Enter credentials"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (!context.IsResumed)
        {
            return ValueTask.FromResult(Ask(context, WaitRequest.ForFields(
            [
                new("email", new InputField("email")),
                new("password", new InputField("secret")),
            ])));
        }

        SetVariable(context, EmailVariable, Data.UserRecord.NormalizeEmail(context.Input["email"].GetString()!));
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
