using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Activities.Identity.Refresh;
using FlowRunner.Activities.Identity.Reset;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Activities.Identity.TwoFactor;
using FlowRunner.Engine.Activities;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Activities.Identity;

/// <summary>Registers the identity activities, and gives their store for each database.</summary>
public static class IdentityActivities
{
    /// <summary>The identity tables in SQLite: register with <see cref="SqliteInstanceStore"/>.</summary>
    public static SqlitePackStore SqliteStore => SqliteIdentityStore.Pack;

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
        .Add(new VerifyOtpActivity(services))
        .Add(new AuthenticateActivity(services))
        .Add(new CheckStatusActivity(services))
        .Add(new SelectMethodActivity(services))
        .Add(new GenerateSecretActivity(services))
        .Add(new CreateQrCodeActivity(services))
        .Add(new StorePendingSecretActivity(services))
        .Add(new SubmitCodeActivity(services))
        .Add(new CheckSetupCodeActivity(services))
        .Add(new ActivateActivity(services))
        .Add(new SetupErrorActivity(services))
        .Add(new GenerateBackupCodesActivity(services))
        .Add(new StoreBackupCodesActivity(services))
        .Add(new DisplayBackupCodesActivity(services))
        .Add(new ConfirmActivity(services))
        .Add(new SendRefreshTokenActivity(services))
        .Add(new ValidateRefreshTokenActivity(services))
        .Add(new RotateRefreshTokenActivity(services))
        .Add(new GenerateNewJwtActivity(services))
        .Add(new EnterEmailActivity(services))
        .Add(new RequestResetActivity(services))
        .Add(new SendResetEmailActivity(services))
        .Add(new ClickResetLinkActivity(services))
        .Add(new ValidateResetTokenActivity(services))
        .Add(new EnterNewPasswordActivity(services))
        .Add(new UpdatePasswordActivity(services));
}
