using System.Text.Json;
using FlowRunner.Activities.Identity.BackupCodes;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.TwoFactor;

/// <summary>What the 2FA set-up nodes hand each other in memory (never stored): the new TOTP secret and backup codes.</summary>
internal static class SetupSecrets
{
    private const string TotpSecret = "totp_secret";
    private const string BackupCodes = "backup_codes";

    /// <summary>Generates a new TOTP secret (160 bits from the CSPRNG) and keeps it for the next nodes.</summary>
    public static void KeepNewTotpSecret(ActivityContext context) =>
        context.KeepSecret(TotpSecret, JsonSerializer.SerializeToElement(OneTimePassword.ToBase32(OneTimePassword.NewSecret())));

    /// <summary>The TOTP secret generated earlier in this set-up.</summary>
    public static byte[] RequireTotpSecret(ActivityContext context) =>
        (context.Secret(TotpSecret) is { } base32 ? OneTimePassword.FromBase32(base32) : null)
        ?? throw new InvalidOperationException("the new secret is gone (the server restarted during set-up): start the set-up again");

    /// <summary>Generates new backup codes and keeps them (as the JSON text of the list: secrets are strings).</summary>
    public static void KeepNewBackupCodes(ActivityContext context) =>
        context.KeepSecret(BackupCodes, JsonSerializer.SerializeToElement(JsonSerializer.Serialize(BackupCodeGenerator.Generate())));

    /// <summary>The backup codes generated earlier in this set-up.</summary>
    public static string[] RequireBackupCodes(ActivityContext context) =>
        (context.Secret(BackupCodes) is { } json ? JsonSerializer.Deserialize<string[]>(json) : null)
        ?? throw new InvalidOperationException("the new backup codes are gone (the server restarted): generate them again");
}
