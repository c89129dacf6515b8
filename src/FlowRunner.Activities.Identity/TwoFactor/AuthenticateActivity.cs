using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Navigate to security settings": the user proves who they are with an access token (held in memory only).</summary>
internal sealed class AuthenticateActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.authenticate";

    public override IReadOnlyList<string> Labels => ["Navigate to security settings"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (!context.IsResumed)
        {
            // current_code: a code from the authenticator in use, or a backup code; needed only to replace 2FA that is on.
            return ValueTask.FromResult(Ask(context, WaitRequest.ForFields(
                [new("access_token", new InputField("secret")), new(CheckStatusActivity.CurrentCodeField, new InputField("code", Required: false))])));
        }

        JwtValidation token = Services.Tokens(context.Time).Validate(context.Secret("access_token"));
        if (!token.IsValid)
        {
            return ValueTask.FromResult(ActivityResult.Fail("the access token is not valid; sign in again"));
        }

        SetVariable(context, UserVariable, token.Subject);
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
