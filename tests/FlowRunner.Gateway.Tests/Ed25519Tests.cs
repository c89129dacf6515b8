namespace FlowRunner.Gateway.Tests;

/// <summary>The gateway's Ed25519 (NSec, libsodium) against RFC 8032's test vectors, and the context that separates signatures.</summary>
public sealed class Ed25519Tests
{
    // RFC 8032 §7.1, TEST 1 to 3: secret key (seed), public key, message, signature.
    public static TheoryData<string, string, string, string> Rfc8032 => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032))]
    public void Signs_and_verifies_the_RFC_8032_vectors(string seed, string publicKey, string message, string signature)
    {
        using var key = new SigningKey(Convert.FromHexString(seed));

        Assert.Equal(publicKey, Convert.ToHexStringLower(key.PublicKey));
        Assert.Equal(signature, Convert.ToHexStringLower(key.SignRaw(Convert.FromHexString(message))));
    }

    [Fact]
    public void A_signature_verifies_only_under_its_own_context_key_and_envelope()
    {
        using var device = new SigningKey(SigningKey.NewSeed());
        using var other = new SigningKey(SigningKey.NewSeed());
        byte[] envelope = [1, 2, 3, 4];
        byte[] signature = device.Sign(GatewaySignature.Request, envelope);

        Assert.True(GatewaySignature.Verify(device.PublicKey, GatewaySignature.Request, envelope, signature));
        Assert.False(GatewaySignature.Verify(device.PublicKey, GatewaySignature.Response, envelope, signature));
        Assert.False(GatewaySignature.Verify(other.PublicKey, GatewaySignature.Request, envelope, signature));
        Assert.False(GatewaySignature.Verify(device.PublicKey, GatewaySignature.Request, [1, 2, 3, 5], signature));
        Assert.False(GatewaySignature.Verify(device.PublicKey.AsSpan(0, 31), GatewaySignature.Request, envelope, signature));
        Assert.False(GatewaySignature.Verify(device.PublicKey, GatewaySignature.Request, envelope, signature.AsSpan(0, 63)));
    }

    [Fact]
    public void The_signed_message_is_the_context_a_zero_byte_and_the_envelope()
    {
        byte[] message = GatewaySignature.Message(GatewaySignature.Request, [0xAB, 0xCD]);

        Assert.Equal([.. "flowrunner.gateway.v1.request"u8.ToArray(), 0, 0xAB, 0xCD], message);
    }

    [Fact]
    public void OpenSSL_verifies_what_the_gateway_signs()
    {
        // An independent Ed25519: OpenSSL checks a signature made here over the gateway's signed message.
        using var key = new SigningKey(SigningKey.NewSeed());
        byte[] message = GatewaySignature.Message(GatewaySignature.Response, "envelope bytes"u8);
        using var folder = new Testing.TempFolder("flowrunner-ed25519-");
        // SubjectPublicKeyInfo of an Ed25519 key: a fixed 12-byte prefix (RFC 8410), then the 32 raw bytes.
        byte[] spki = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. key.PublicKey];
        File.WriteAllText(folder.File("key.pem"), "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(spki) + "\n-----END PUBLIC KEY-----\n");
        File.WriteAllBytes(folder.File("message"), message);
        File.WriteAllBytes(folder.File("signature"), key.SignRaw(message));

        string output = Testing.ExternalTool.Run("openssl",
            "pkeyutl", "-verify", "-pubin", "-inkey", folder.File("key.pem"), "-rawin", "-in", folder.File("message"), "-sigfile", folder.File("signature"));

        Assert.Contains("Signature Verified Successfully", output, StringComparison.Ordinal);
    }
}
