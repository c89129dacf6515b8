using FlowRunner.Activities.Identity.BackupCodes;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Activities.Identity.Tokens;

namespace FlowRunner.Activities.Identity;

/// <summary>What the identity handlers share: policy, the password hasher, tokens, secret protection, code hashing.</summary>
public sealed class IdentityServices(IdentityOptions options)
{
    /// <summary>The policy.</summary>
    public IdentityOptions Options { get; } = options;

    /// <summary>bcrypt at the configured cost.</summary>
    public PasswordHasher Passwords { get; } = new(options.BcryptCost);

    /// <summary>Encrypts TOTP secrets at rest.</summary>
    public SecretProtector Secrets { get; } = new(options.SecretKey);

    /// <summary>Hashes backup codes and refresh tokens with the pepper.</summary>
    public BackupCodeGenerator Codes { get; } = new(options.Pepper);

    /// <summary>Issues and checks access tokens.</summary>
    public JwtService Tokens(TimeProvider time) => new(Options.Jwt, time);
}
