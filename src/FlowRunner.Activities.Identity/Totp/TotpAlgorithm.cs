namespace FlowRunner.Activities.Identity.Totp;

/// <summary>The HMAC of RFC 6238.</summary>
internal enum TotpAlgorithm
{
    /// <summary>HMAC-SHA-1: what authenticator apps use.</summary>
    Sha1,

    /// <summary>HMAC-SHA-256.</summary>
    Sha256,

    /// <summary>HMAC-SHA-512.</summary>
    Sha512,
}
