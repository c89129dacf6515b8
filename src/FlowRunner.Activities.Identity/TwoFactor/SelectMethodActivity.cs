using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>"Select 2FA method": waits for the method; only "totp" (an authenticator app) is offered, anything else asks again.</summary>
internal sealed class SelectMethodActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.select-2fa-method";

    public override IReadOnlyList<string> Labels => ["Select 2FA method"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        bool chosen = context.IsResumed && string.Equals(context.Input["method"].GetString(), "totp", StringComparison.OrdinalIgnoreCase);
        return ValueTask.FromResult(chosen
            ? ActivityResult.Done()
            : Ask(context, WaitRequest.ForFields([new("method", new InputField("string"))])));
    }
}
