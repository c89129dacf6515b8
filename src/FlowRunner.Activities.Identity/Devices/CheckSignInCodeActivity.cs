using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Login;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity.Devices;

/// <summary>
/// "Check sign-in code": waits for the emailed code and the device's Ed25519 public key (32 bytes, base64url), then
/// outcome "valid", "invalid" (tries are left) or "expired" (used, out of time, or the fifth wrong code). A key that is
/// not 32 bytes is asked for again without spending a try.
/// </summary>
internal sealed class CheckSignInCodeActivity(IdentityServices services) : IdentityActivity(services)
{
    /// <summary>The variable holding the device's public key (base64url) once the code is right.</summary>
    public const string DeviceKeyVariable = "device_public_key";

    /// <summary>Wrong codes a sign-in may try.</summary>
    public const int MaxAttempts = 5;

    public override string Type => "identity.check-sign-in-code";

    public override IReadOnlyList<string> Outcomes => ["valid", "invalid", "expired"];

    public override IReadOnlyList<string> Labels => ["Check sign-in code"];

    public override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        WaitRequest ask = WaitRequest.ForFields([new("code", new InputField("code")), new(DeviceKeyVariable, new InputField("string"))]);
        if (!context.IsResumed || DeviceKey(context.Input[DeviceKeyVariable].GetString()) is null)
        {
            return ValueTask.FromResult(Ask(context, ask, SendSignInCodeActivity.CodeLifetime));
        }

        string code = context.Input["code"].GetString()!.Trim();
        string hash = Services.HashEmailCode(context.InstanceId, code);
        SetVariable(context, DeviceKeyVariable, context.Input[DeviceKeyVariable].GetString());
        return ValueTask.FromResult(InCommit(async store =>
        {
            ChallengeResult result = await store.TryEmailChallengeAsync(context.InstanceId, hash, context.Time.GetUtcNow(), MaxAttempts).ConfigureAwait(false);
            return ActivityResult.WithOutcome(result switch
            {
                ChallengeResult.Valid => "valid",
                ChallengeResult.Invalid => "invalid",
                _ => "expired",
            });
        }));
    }

    /// <summary>The key's 32 bytes, or null when the text is not base64url of 32 bytes.</summary>
    internal static byte[]? DeviceKey(string? text)
    {
        if (text is null || text.Length != 43)
        {
            return null;
        }

        try
        {
            byte[] key = Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + "=");
            return key.Length == 32 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
