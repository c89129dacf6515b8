using System.Security.Cryptography;
using OtpNet;

namespace FlowRunner.Activities.Identity.Totp;

/// <summary>
/// TOTP (RFC 6238) on Otp.NET, as FlowRunner uses it: 6 digits, HMAC-SHA-1, 30-second steps, secrets in Base32.
/// Verification accepts the current step and one step either side (RFC 6238 §5.2 allows one step of network delay)
/// and returns the matched step, so the caller can refuse a step that was already used (one-time use, §5.2).
/// </summary>
internal static class OneTimePassword
{
    /// <summary>The time step, in seconds.</summary>
    public const int StepSeconds = 30;

    /// <summary>Bytes in a generated secret: 160 bits, RFC 4226 R6's recommendation.</summary>
    public const int SecretBytes = 20;

    /// <summary>Steps accepted either side of the current one.</summary>
    public const int Window = 1;

    /// <summary>Digits in a code.</summary>
    public const int Digits = 6;

    /// <summary>A new secret from the CSPRNG.</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The Base32 text of a secret (RFC 4648, no padding), as authenticator apps and otpauth URIs take it.</summary>
    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>The secret of a Base32 text, or null when it is not Base32.</summary>
    public static byte[]? FromBase32(string text)
    {
        try
        {
            return Base32Encoding.ToBytes(text);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The time step of an instant: floor(unix seconds / 30).</summary>
    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The RFC 6238 code at an instant (other digit counts and hashes only for the RFC's test vectors).</summary>
    public static string Totp(byte[] secret, DateTimeOffset time, int digits = Digits, OtpHashMode mode = OtpHashMode.Sha1) =>
        new OtpNet.Totp(secret, StepSeconds, mode, digits).ComputeTotp(time.UtcDateTime);

    /// <summary>
    /// The step whose code equals <paramref name="code"/> within the window around <paramref name="now"/>, or null.
    /// Otp.NET compares each candidate in constant time.
    /// </summary>
    public static long? Verify(byte[] secret, string code, DateTimeOffset now)
    {
        if (code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new OtpNet.Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out long step, new VerificationWindow(Window, Window)) ? step : null;
    }

    /// <summary>
    /// The otpauth:// URI of the Key-Uri-Format: label <c>issuer:account</c>, Base32 secret without padding, and the
    /// issuer, algorithm, digits and period parameters spelled out.
    /// </summary>
    public static string KeyUri(string issuer, string account, byte[] secret)
    {
        if (issuer.Contains(':', StringComparison.Ordinal) || account.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("Neither the issuer nor the account of an otpauth URI may contain ':'.");
        }

        string label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        return $"otpauth://totp/{label}?secret={ToBase32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
    }
}
