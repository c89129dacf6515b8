namespace FlowRunner.Activities.Identity.Tokens;

/// <summary>How access tokens are issued and checked.</summary>
public sealed record JwtOptions
{
    /// <summary>The smallest signing key accepted: 256 bits (RFC 7518 §3.2).</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>The <c>iss</c> claim written and required.</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>aud</c> claim written and required.</summary>
    public required string Audience { get; init; }

    /// <summary>The HMAC-SHA256 key; at least 256 bits, from secret storage.</summary>
    public required byte[] SigningKey { get; init; }

    /// <summary>Lifetime of an access token: one hour, as the seed says.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Tolerance for clock differences on <c>exp</c>, <c>nbf</c> and <c>iat</c>; at most 30 seconds.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}
