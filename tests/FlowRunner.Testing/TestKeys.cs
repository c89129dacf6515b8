using System.Security.Cryptography;
using FlowRunner.Activities.Identity;
using FlowRunner.Activities.Identity.Tokens;

namespace FlowRunner.Testing;

/// <summary>Fresh random keys for the identity activities, at a low bcrypt cost so tests stay fast.</summary>
public static class TestKeys
{
    public static IdentityOptions Identity(int bcryptCost = 4, string issuer = "flowrunner") => new()
    {
        BcryptCost = bcryptCost,
        Jwt = new JwtOptions { Issuer = issuer, Audience = "flowrunner-api", SigningKey = RandomNumberGenerator.GetBytes(32) },
        SecretKey = RandomNumberGenerator.GetBytes(32),
        Pepper = RandomNumberGenerator.GetBytes(32),
        ServiceToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    };

    /// <summary>A gateway with a fresh key, calling the backend with <paramref name="serviceToken"/> (this server's, unless <paramref name="backend"/> is given).</summary>
    public static FlowRunner.Gateway.GatewayOptions Gateway(string serviceToken, Uri? backend = null) => new()
    {
        SigningKey = RandomNumberGenerator.GetBytes(32),
        ServiceToken = serviceToken,
        Backend = backend,
    };
}
