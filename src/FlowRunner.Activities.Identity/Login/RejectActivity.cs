using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>
/// "Return invalid user", "Return invalid password" and "Return MFA failure": one uniform answer, whatever was
/// wrong (ENUM-01): the seed draws two nodes, but what they return must not tell an unknown user apart.
/// </summary>
public sealed class RejectActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.reject";

    public override IReadOnlyList<string> Labels => ["Return invalid user", "Return invalid password", "Return MFA failure"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        bool mfa = context.Node.Label.Contains("MFA", StringComparison.OrdinalIgnoreCase);
        return ValueTask.FromResult(ActivityResult.Done(Outputs(
            ("error", mfa ? "invalid_code" : "invalid_credentials"),
            ("error_description", mfa ? "The code is not valid." : "Invalid email or password."))));
    }
}
