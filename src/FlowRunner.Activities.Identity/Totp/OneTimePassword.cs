using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace FlowRunner.Activities.Identity.Totp;

/// <summary>
/// HOTP (RFC 4226) and TOTP (RFC 6238) on the BCL's HMAC. Verification accepts the current step and one step
/// either side (RFC 6238 §5.2 allows one step of network delay) and returns the matched step, so the caller
/// can refuse a step that was already used (one-time use, §5.2).
/// </summary>
internal static class OneTimePassword
{
    /// <summary>The time step, in seconds.</summary>
    public const int StepSeconds = 30;

    /// <summary>Bytes in a generated secret: 160 bits, RFC 4226 R6's recommendation.</summary>
    public const int SecretBytes = 20;

    /// <summary>Steps accepted either side of the current one.</summary>
    public const int Window = 1;

    /// <summary>A new secret from the CSPRNG.</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>RFC 4226 HOTP: dynamic truncation of HMAC(secret, counter as 8 bytes big-endian), mod 10^digits.</summary>
    public static string Hotp(ReadOnlySpan<byte> secret, long counter, int digits = 6, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        if (digits is < 6 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(digits), digits, "HOTP codes have 6 to 8 digits.");
        }

        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> hash = stackalloc byte[64];
        int length = algorithm switch
        {
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(secret, message, hash),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(secret, message, hash),
#pragma warning disable CA5350 // HMAC-SHA-1 is what RFC 4226/6238 and every authenticator app use; HMAC (not SHA-1 collisions) is what matters here.
            _ => HMACSHA1.HashData(secret, message, hash),
#pragma warning restore CA5350
        };
        int offset = hash[length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        int modulus = (int)Math.Pow(10, digits);
        return (binary % modulus).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>The time step of an instant: floor(unix seconds / 30).</summary>
    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>RFC 6238 TOTP at an instant.</summary>
    public static string Totp(ReadOnlySpan<byte> secret, DateTimeOffset time, int digits = 6, TotpAlgorithm algorithm = TotpAlgorithm.Sha1) =>
        Hotp(secret, StepAt(time), digits, algorithm);

    /// <summary>
    /// The step whose code equals <paramref name="code"/> within the window around <paramref name="now"/>, or
    /// null. Every candidate is computed and compared in constant time, so timing does not tell which step matched.
    /// </summary>
    public static long? Verify(ReadOnlySpan<byte> secret, string code, DateTimeOffset now, int digits = 6, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        if (code.Length != digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        long current = StepAt(now);
        long? matched = null;
        Span<byte> given = stackalloc byte[digits];
        Span<byte> expected = stackalloc byte[digits];
        for (int i = 0; i < digits; i++)
        {
            given[i] = (byte)code[i];
        }

        for (long step = current - Window; step <= current + Window; step++)
        {
            string candidate = Hotp(secret, step, digits, algorithm);
            for (int i = 0; i < digits; i++)
            {
                expected[i] = (byte)candidate[i];
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                matched ??= step;
            }
        }

        return matched;
    }

    /// <summary>
    /// The otpauth:// URI of the Key-Uri-Format: label <c>issuer:account</c>, Base32 secret without padding, and the
    /// issuer, algorithm, digits and period parameters spelled out.
    /// </summary>
    public static string KeyUri(string issuer, string account, ReadOnlySpan<byte> secret)
    {
        if (issuer.Contains(':', StringComparison.Ordinal) || account.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("Neither the issuer nor the account of an otpauth URI may contain ':'.");
        }

        string label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        return $"otpauth://totp/{label}?secret={Base32.Encode(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period={StepSeconds}";
    }
}
