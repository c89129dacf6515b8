using System.Security.Cryptography;
using FlowRunner.Activities.Identity.Data;

namespace FlowRunner.Activities.Identity.Tests.Passwords;

/// <summary>TOTP-05: secrets at rest are authenticated ciphertext.</summary>
public sealed class SecretProtectorTests
{
    [Fact]
    public void Round_trips_and_never_shows_the_plaintext()
    {
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        byte[] secret = RandomNumberGenerator.GetBytes(20);
        string stored = protector.Protect(secret);
        Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(secret), stored, StringComparison.Ordinal);
        Assert.NotEqual(stored, protector.Protect(secret)); // fresh nonce each time
        Assert.Equal(secret, protector.Unprotect(stored));
    }

    [Fact]
    public void Tampered_or_foreign_ciphertext_fails_to_decrypt()
    {
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        string stored = protector.Protect(RandomNumberGenerator.GetBytes(20));
        byte[] bytes = Convert.FromBase64String(stored[3..]);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("v1:" + Convert.ToBase64String(bytes)));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(stored));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("v0:abc"));
        Assert.Throws<ArgumentException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(16)));
    }
}
