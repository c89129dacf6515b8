using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>
/// "Return invalid user", "Return invalid password" and "Return MFA failure": one uniform answer, whatever was
/// wrong (ENUM-01): the seed draws two nodes, but what they return must not tell an unknown user apart.
/// </summary>
internal sealed class RejectActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.reject";

    public override IReadOnlyList<string> Labels =>
        ["Return invalid user", "Return invalid password", "Return MFA failure", "Return unauthorized", "Return invalid token"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        (string error, string description) = Engine.Activities.ActivityRegistry.Normalize(context.Node.DisplayText) switch
        {
            "return mfa failure" => ("invalid_code", "The code is not valid."),
            "return unauthorized" => ("invalid_grant", "The refresh token is not valid; sign in again."),
            "return invalid token" => ("invalid_token", "The link is not valid or has expired; request a new one."),
            _ => ("invalid_credentials", "Invalid email or password."),
        };
        return ValueTask.FromResult(ActivityResult.Done(Outputs(("error", error), ("error_description", description))));
    }
}
