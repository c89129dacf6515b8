using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Activities.Identity;

/// <summary>Registers the identity activities and names their migrations.</summary>
public static class IdentityActivities
{
    /// <summary>The identity tables' numbered scripts (source "identity").</summary>
    public static IReadOnlyList<MigrationScript> Migrations { get; } = MigrationScript.FromResources(typeof(IdentityActivities).Assembly, "identity");

    /// <summary>Adds every identity handler to the registry.</summary>
    public static ActivityRegistry AddIdentity(this ActivityRegistry registry, IdentityServices services) => registry
        .Add(new EnterCredentialsActivity(services))
        .Add(new ContinueActivity(services))
        .Add(new LookupUserActivity(services))
        .Add(new VerifyPasswordActivity(services))
        .Add(new MfaEnabledActivity(services))
        .Add(new RejectActivity(services))
        .Add(new IssueTokensActivity(services))
        .Add(new SendOtpActivity(services))
        .Add(new VerifyOtpActivity(services));
}
