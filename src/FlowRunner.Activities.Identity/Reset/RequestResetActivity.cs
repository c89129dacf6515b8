using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Request password reset": finds the account, if there is one; nothing of that reaches the caller.</summary>
internal sealed class RequestResetActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.request-reset";

    public override IReadOnlyList<string> Labels => ["Request password reset"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InCommit(async store =>
        {
            UserRecord? user = await store.FindByEmailAsync(Variable(context, EmailVariable) ?? string.Empty).ConfigureAwait(false);
            SetVariable(context, UserVariable, user?.Id);
            await store.AuditAsync(user?.Id, user is null ? "reset.unknown-email" : "reset.requested", null, context.Time.GetUtcNow()).ConfigureAwait(false);
            return ActivityResult.Done();
        }));
}
