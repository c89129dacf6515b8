using System.Text;
using NSec.Cryptography;

namespace FlowRunner.Gateway;

/// <summary>
/// Ed25519 (RFC 8032, libsodium through NSec) over a context: the ASCII context string, one zero byte, then the
/// envelope bytes exactly as sent. The context keeps a request's signature from passing as a response's or an event's.
/// </summary>
internal static class GatewaySignature
{
    /// <summary>What a device signs a command or subscription with.</summary>
    public const string Request = "flowrunner.gateway.v1.request";

    /// <summary>What the gateway signs its answers with.</summary>
    public const string Response = "flowrunner.gateway.v1.response";

    /// <summary>What the gateway signs push events with.</summary>
    public const string Event = "flowrunner.gateway.v1.event";

    /// <summary>The size of a public key and of a private key seed.</summary>
    public const int KeyBytes = 32;

    /// <summary>The size of a signature.</summary>
    public const int SignatureBytes = 64;

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    /// <summary>The signed message: context, a zero byte, the envelope.</summary>
    public static byte[] Message(string context, ReadOnlySpan<byte> envelope)
    {
        byte[] message = new byte[context.Length + 1 + envelope.Length];
        Encoding.ASCII.GetBytes(context, message);
        envelope.CopyTo(message.AsSpan(context.Length + 1));
        return message;
    }

    /// <summary>True when <paramref name="signature"/> is the holder of <paramref name="publicKey"/>'s signature of the envelope; false for any malformed key or signature.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, string context, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeyBytes || signature.Length != SignatureBytes
            || !PublicKey.TryImport(Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out PublicKey? key))
        {
            return false;
        }

        return Ed25519.Verify(key!, Message(context, envelope), signature);
    }

    /// <summary>True when the bytes are a valid Ed25519 public key.</summary>
    public static bool IsPublicKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == KeyBytes && PublicKey.TryImport(Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out _);
}

/// <summary>An Ed25519 private key: the gateway's, or a device's in the sample client and the tests.</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly Key _key;

    /// <summary>Imports a 32-byte seed (RFC 8032's private key).</summary>
    /// <exception cref="ArgumentException">It is not 32 bytes.</exception>
    public SigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != GatewaySignature.KeyBytes)
        {
            throw new ArgumentException($"an Ed25519 private key is {GatewaySignature.KeyBytes} bytes, not {seed.Length}", nameof(seed));
        }

        _key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The public key (32 bytes).</summary>
    public byte[] PublicKey { get; }

    /// <summary>A new random key's seed.</summary>
    public static byte[] NewSeed() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(GatewaySignature.KeyBytes);

    /// <summary>Signs raw bytes (RFC 8032).</summary>
    public byte[] SignRaw(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <summary>Signs an envelope under a context.</summary>
    public byte[] Sign(string context, ReadOnlySpan<byte> envelope) => SignRaw(GatewaySignature.Message(context, envelope));

    public void Dispose() => _key.Dispose();
}
