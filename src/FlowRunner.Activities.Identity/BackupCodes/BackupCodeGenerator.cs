using System.Security.Cryptography;
using System.Text;

namespace FlowRunner.Activities.Identity.BackupCodes;

/// <summary>
/// Backup codes per ASVS 5.0 6.5.2: each carries 120 bits (24 characters of a 32-character alphabet without
/// look-alikes, shown as six groups of four), so a keyed hash (HMAC-SHA256 with a server-side pepper) is an
/// allowed way to store them and one indexed lookup finds a code. They are shown once and stored hashed only.
/// </summary>
internal sealed class BackupCodeGenerator(byte[] pepper)
{
    /// <summary>Codes in a set.</summary>
    public const int Count = 10;

    /// <summary>Characters in a code (without separators).</summary>
    public const int Length = 24;

    // Crockford-style: no I, L, O, U, so 0/O and 1/I/L cannot be confused.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new set of codes, formatted <c>XXXX-XXXX-XXXX-XXXX-XXXX-XXXX</c>.</summary>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new List<string>(Count);
        for (int i = 0; i < Count; i++)
        {
            var builder = new StringBuilder(Length + 5);
            for (int c = 0; c < Length; c++)
            {
                if (c > 0 && c % 4 == 0)
                {
                    builder.Append('-');
                }

                builder.Append(Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]);
            }

            codes.Add(builder.ToString());
        }

        return codes;
    }

    /// <summary>
    /// The canonical form of what a user typed: upper case, separators and spaces dropped, look-alikes mapped
    /// (O→0, I and L→1); null when it cannot be a code.
    /// </summary>
    public static string? Normalize(string typed)
    {
        var builder = new StringBuilder(Length);
        foreach (char raw in typed)
        {
            if (raw is '-' or ' ' or '\t')
            {
                continue;
            }

            char c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                char other => other,
            };
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }

            builder.Append(c);
        }

        return builder.Length == Length ? builder.ToString() : null;
    }

    /// <summary>The stored form: HMAC-SHA256 of the normalised code with the pepper, hex.</summary>
    public string HashCode(string normalized) => Convert.ToHexStringLower(HMACSHA256.HashData(pepper, Encoding.ASCII.GetBytes(normalized)));
}
