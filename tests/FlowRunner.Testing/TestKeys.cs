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
    };
}
