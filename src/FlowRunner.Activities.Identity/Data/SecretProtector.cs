using System.Security.Cryptography;
using System.Text;

namespace FlowRunner.Activities.Identity.Data;

/// <summary>
/// Encrypts TOTP secrets at rest with AES-256-GCM (authenticated: a tampered value fails to decrypt). Stored form:
/// <c>v1:</c> + Base64(nonce ‖ ciphertext ‖ tag); the purpose is bound as associated data.
/// </summary>
internal sealed class SecretProtector
{
    private const string Prefix = "v1:";
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("FlowRunner.Totp.Secret.v1");
    private readonly byte[] _key;

    /// <summary>Creates a protector with a 256-bit key.</summary>
    public SecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"the secret key must be 256 bits, not {key.Length * 8}", nameof(key));
        }

        _key = key;
    }

    /// <summary>Encrypts.</summary>
    public string Protect(ReadOnlySpan<byte> plaintext)
    {
        byte[] output = new byte[AesGcm.NonceByteSizes.MaxSize + plaintext.Length + AesGcm.TagByteSizes.MaxSize];
        Span<byte> nonce = output.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(nonce.Length, plaintext.Length), output.AsSpan(nonce.Length + plaintext.Length), Purpose);
        return Prefix + Convert.ToBase64String(output);
    }

    /// <summary>Decrypts.</summary>
    /// <exception cref="CryptographicException">The value was tampered with, or protected with another key.</exception>
    public byte[] Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("unknown protected-secret format");
        }

        byte[] input = Convert.FromBase64String(stored[Prefix.Length..]);
        int nonceSize = AesGcm.NonceByteSizes.MaxSize;
        int tagSize = AesGcm.TagByteSizes.MaxSize;
        if (input.Length < nonceSize + tagSize)
        {
            throw new CryptographicException("protected secret is too short");
        }

        byte[] plaintext = new byte[input.Length - nonceSize - tagSize];
        using var aes = new AesGcm(_key, tagSize);
        aes.Decrypt(input.AsSpan(0, nonceSize), input.AsSpan(nonceSize, plaintext.Length), input.AsSpan(nonceSize + plaintext.Length), plaintext, Purpose);
        return plaintext;
    }
}
