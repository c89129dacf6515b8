using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Reset;

/// <summary>"Validate reset token": "valid" for an unused token less than an hour old.</summary>
internal sealed class ValidateResetTokenActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.validate-reset-token";

    public override IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public override IReadOnlyList<string> Labels => ["Validate reset token"];

    public override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string hash = Services.Codes.HashCode(context.Secret("token") ?? string.Empty);
        string? userId = await Store(context).FindResetTokenUserAsync(hash, context.Time.GetUtcNow()).ConfigureAwait(false);
        return ActivityResult.WithOutcome(userId is null ? "invalid" : "valid");
    }
}
