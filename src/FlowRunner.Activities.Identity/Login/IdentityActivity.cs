using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Activities.Identity.BackupCodes;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Login;

/// <summary>Base of the identity handlers: type, labels, outcomes, and helpers for variables and outputs.</summary>
internal abstract class IdentityActivity(IdentityServices services) : IActivityHandler
{
    /// <summary>The variable holding the email being signed in.</summary>
    public const string EmailVariable = "email";

    /// <summary>The variable holding the user's id once known.</summary>
    public const string UserVariable = "user_id";

    /// <summary>The variable binding a sign-in to the password it checked (a fingerprint of the stored hash, not the hash).</summary>
    public const string PasswordCheckVariable = "password_check";

    /// <inheritdoc/>
    public abstract string Type { get; }

    /// <inheritdoc/>
    public virtual IReadOnlyList<string> Outcomes => [];

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> Labels { get; }

    /// <inheritdoc/>
    public virtual bool IsInstant => false;

    /// <summary>The shared services.</summary>
    protected IdentityServices Services { get; } = services;

    /// <inheritdoc/>
    public abstract ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);

    /// <summary>The identity tables, read-only: what a handler reads while it runs, outside any transaction.</summary>
    protected static IIdentityStore Store(ActivityContext context) => context.Data.Store<IIdentityStore>();

    /// <summary>Finishes the node in the step's commit: <paramref name="work"/> reads and writes the identity tables atomically with the step.</summary>
    protected static ActivityResult InCommit(Func<IIdentityStore, Task<ActivityResult>> work) =>
        ActivityResult.InCommit(async (data, _) => await work(data.Store<IIdentityStore>()).ConfigureAwait(false));

    /// <summary>The signed-in user the flow runs for (set by its first node), or an error naming that node.</summary>
    protected static async Task<UserRecord> RequireUserAsync(IIdentityStore store, ActivityContext context) =>
        (Variable(context, UserVariable) is { } id ? await store.FindAsync(id).ConfigureAwait(false) : null)
        ?? throw new InvalidOperationException("no authenticated user: the flow must start with 'Navigate to security settings'");

    /// <summary>Tells the user by email (through the outbox) about an event on their account (TOTP-04, BC-04).</summary>
    protected static void Notify(ActivityContext context, UserRecord user, string subject, string text) =>
        context.Emit("email.security-notice", JsonSerializer.SerializeToElement(new { to = user.Email, subject, text }));

    /// <summary>
    /// The refusal of a sign-in while its address is locked (issue 13 §3): the same for known and unknown addresses,
    /// so it tells nothing about existence; a host answers 429 with Retry-After.
    /// </summary>
    protected static ActivityBusyException AddressLocked(DateTimeOffset until, DateTimeOffset now) =>
        new("too many failed sign-ins for this address", until - now);

    /// <summary>The peppered hash under which failed sign-ins of an address no account has are counted.</summary>
    protected string AddressHash(string email) => Services.Codes.HashCode("address:" + email);

    /// <summary>
    /// Waits for the user, at most <paramref name="within"/> (<see cref="IdentityOptions.InteractionTimeout"/> by default):
    /// an abandoned sign-in, reset or set-up then ends instead of waiting for ever.
    /// </summary>
    protected ActivityResult Ask(ActivityContext context, WaitRequest request, TimeSpan? within = null) =>
        ActivityResult.WaitFor(request with { Deadline = context.Time.GetUtcNow() + (within ?? Services.Options.InteractionTimeout) });

    /// <summary>A short fingerprint of a stored password hash: it changes when the password does and reveals nothing of it.</summary>
    protected static string Fingerprint(string passwordHash) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(passwordHash)), 0, 8);

    /// <summary>A string variable, or null.</summary>
    protected static string? Variable(ActivityContext context, string name) =>
        context.Variables.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Sets a string variable.</summary>
    protected static void SetVariable(ActivityContext context, string name, string? value) =>
        context.SetVariable(name, JsonSerializer.SerializeToElement(value));

    /// <summary>Outputs from name/value pairs; a null value removes that output.</summary>
    protected static ImmutableDictionary<string, JsonElement> Outputs(params (string Name, object? Value)[] values) =>
        values.ToImmutableDictionary(v => v.Name, v => JsonSerializer.SerializeToElement(v.Value), StringComparer.Ordinal);

    /// <summary>
    /// Checks a second-factor code (an emailed code, a TOTP code usable once, or a backup code, burnt when it matches):
    /// the audit event of an accepted code, or null when the code is refused. Call it inside the step's commit.
    /// </summary>
    protected async Task<string?> CheckSecondFactorAsync(IIdentityStore store, ActivityContext context, UserRecord user, string code, DateTimeOffset now)
    {
        if (code.Length == 6 && code.All(char.IsAsciiDigit) && user.MfaMethod == "email")
        {
            return await store.TryUseEmailCodeAsync(context.InstanceId, Services.HashEmailCode(context.InstanceId, code), now).ConfigureAwait(false)
                ? "mfa.email-code-ok"
                : null;
        }

        if (code.Length == 6 && code.All(char.IsAsciiDigit))
        {
            if (user.TotpSecret is null)
            {
                return null;
            }

            byte[] secret = Services.Secrets.Unprotect(user.TotpSecret);
            if (OneTimePassword.Verify(secret, code, now) is not { } step)
            {
                return null;
            }

            if (await store.TryUseTotpStepAsync(user.Id, step).ConfigureAwait(false))
            {
                return "mfa.totp-ok";
            }

            await store.AuditAsync(user.Id, "mfa.totp-replay", null, now).ConfigureAwait(false);
            Notify(context, user, "A sign-in code was used twice", "Someone entered an authenticator code for your account that was already used. If it was not you, change your password.");
            return null;
        }

        if (BackupCodeGenerator.Normalize(code) is { } normalized
            && await store.TryRedeemBackupCodeAsync(user.Id, Services.Codes.HashCode(normalized), now).ConfigureAwait(false))
        {
            long left = await store.CountUnusedBackupCodesAsync(user.Id).ConfigureAwait(false);
            Notify(context, user, "A backup code was used", $"A backup code signed in to your account; {left} remain.");
            return "mfa.backup-code-used";
        }

        return null;
    }
}
