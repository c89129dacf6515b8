using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Devices;

/// <summary>
/// "Register device": binds the device's public key to the address's account in a new device session (creating the
/// account when sign-up is on and none has the address) and delivers <c>device_session_id</c> and <c>user_id</c>. An
/// account made this way has no password: it signs in by emailed code until one is set by a reset.
/// </summary>
internal sealed class RegisterDeviceActivity(IdentityServices services) : IdentityActivity(services)
{
    // No bcrypt hash looks like this, so a password check against it fails as a malformed hash does.
    private const string NoPassword = "!no-password";

    public override string Type => "identity.register-device";

    public override IReadOnlyList<string> Labels => ["Register device"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        string email = Variable(context, EmailVariable) ?? throw new InvalidOperationException("no email: 'Enter sign-in email' must come first");
        byte[] key = CheckSignInCodeActivity.DeviceKey(Variable(context, CheckSignInCodeActivity.DeviceKeyVariable))
            ?? throw new InvalidOperationException("no device key: 'Check sign-in code' must come first");
        return ValueTask.FromResult(InCommit(async store =>
        {
            DateTimeOffset now = context.Time.GetUtcNow();
            UserRecord? user = await store.FindByEmailAsync(email).ConfigureAwait(false);
            string? userId = user?.Id;
            if (userId is null && !Services.Options.EmailSignUp)
            {
                return ActivityResult.Fail("no account has this address and sign-up is off");
            }

            if (userId is null)
            {
                userId = await store.CreateUserAsync(email, NoPassword, "user", now).ConfigureAwait(false);
                await store.AuditAsync(userId, "device.account-created", null, now).ConfigureAwait(false);
            }

            string session = await store.CreateDeviceSessionAsync(userId, key, now).ConfigureAwait(false);
            await store.AuditAsync(userId, "device.registered", session, now).ConfigureAwait(false);
            return ActivityResult.Done(Outputs(("device_session_id", session), ("user_id", userId)));
        }));
    }
}
