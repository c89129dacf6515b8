using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Devices;
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
    public static SqlitePackStore SqliteStore => SqlIdentityStore.SqlitePack;

    /// <summary>The identity tables in PostgreSQL: register with <see cref="Storage.Postgres.PostgresInstanceStore"/>.</summary>
    public static Storage.Postgres.PostgresPackStore PostgresStore => SqlIdentityStore.PostgresPack;

    /// <summary>Every identity handler, sharing <paramref name="services"/>.</summary>
    public static IReadOnlyList<IActivityHandler> Handlers(IdentityServices services) =>
    [
        new EnterCredentialsActivity(services),
        new ContinueActivity(services),
        new LookupUserActivity(services),
        new VerifyPasswordActivity(services),
        new MfaEnabledActivity(services),
        new RejectActivity(services),
        new IssueTokensActivity(services),
        new SendOtpActivity(services),
        new VerifyOtpActivity(services),
        new AuthenticateActivity(services),
        new CheckStatusActivity(services),
        new SelectMethodActivity(services),
        new GenerateSecretActivity(services),
        new CreateQrCodeActivity(services),
        new StorePendingSecretActivity(services),
        new SubmitCodeActivity(services),
        new CheckSetupCodeActivity(services),
        new ActivateActivity(services),
        new SetupErrorActivity(services),
        new GenerateBackupCodesActivity(services),
        new StoreBackupCodesActivity(services),
        new DisplayBackupCodesActivity(services),
        new ConfirmActivity(services),
        new SendRefreshTokenActivity(services),
        new ValidateRefreshTokenActivity(services),
        new RotateRefreshTokenActivity(services),
        new GenerateNewJwtActivity(services),
        new EnterEmailActivity(services),
        new RequestResetActivity(services),
        new SendResetEmailActivity(services),
        new ClickResetLinkActivity(services),
        new ValidateResetTokenActivity(services),
        new EnterNewPasswordActivity(services),
        new UpdatePasswordActivity(services),
        new SendSignInCodeActivity(services),
        new CheckSignInCodeActivity(services),
        new RegisterDeviceActivity(services),
    ];

    /// <summary>Adds every identity handler to the registry.</summary>
    public static ActivityRegistry AddIdentity(this ActivityRegistry registry, IdentityServices services)
    {
        foreach (IActivityHandler handler in Handlers(services))
        {
            registry.Add(handler);
        }

        return registry;
    }
}
