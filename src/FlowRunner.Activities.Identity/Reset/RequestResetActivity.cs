using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Request password reset": finds the account, if there is one; nothing of that reaches the caller.</summary>
internal sealed class RequestResetActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.request-reset";

    public override IReadOnlyList<string> Labels => ["Request password reset"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        UserRecord? user = await Store(context).FindByEmailAsync(Variable(context, EmailVariable) ?? string.Empty).ConfigureAwait(false);
        SetVariable(context, UserVariable, user?.Id);
        await Store(context).AuditAsync(user?.Id, user is null ? "reset.unknown-email" : "reset.requested", null, context.Time.GetUtcNow()).ConfigureAwait(false);
        return ActivityResult.Done();
    }
}
