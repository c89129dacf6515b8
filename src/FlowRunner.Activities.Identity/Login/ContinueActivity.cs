using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>Steps of the seed flows that hand work on without doing any (a form submit, a message received, a result shown).</summary>
internal sealed class ContinueActivity(IdentityServices services) : IdentityActivity(services)
{
    public override string Type => "identity.continue";

    public override IReadOnlyList<string> Labels =>
        ["Submit login form", "Receive credentials", "Receive access token", "Access protected resource", "Present method options",
            "Store new tokens", "Clear tokens", "Check your email"];

    /// <summary>It does nothing: it runs within the run's open transaction, without a commit of its own.</summary>
    public override bool IsInstant => true;

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done());
}
