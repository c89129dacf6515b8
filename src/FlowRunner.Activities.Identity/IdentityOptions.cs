using FlowRunner.Activities.Identity.Tokens;

namespace FlowRunner.Activities.Identity;

/// <summary>Policy and keys of the identity activities. Keys come from configuration, never from the repository.</summary>
public sealed record IdentityOptions
{
    /// <summary>The bcrypt cost the seed asks for.</summary>
    public const int DefaultBcryptCost = Passwords.PasswordHasher.DefaultCost;

    /// <summary>bcrypt cost of new password hashes (12 by default, as the seed says).</summary>
    public int BcryptCost { get; init; } = DefaultBcryptCost;

    /// <summary>
    /// bcrypt runs at once at most: one per core but one (at least one), so a flood of logins always leaves a core for
    /// everything else; more would only slow every login down.
    /// </summary>
    public int PasswordWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>
    /// Logins that may wait for a bcrypt worker (8 per worker by default, a few seconds at cost 12); one more is refused
    /// with 429 and Retry-After instead of piling up.
    /// </summary>
    public int PasswordQueue { get; init; } = 8 * Environment.ProcessorCount;

    /// <summary>Access-token settings, including the HS256 key.</summary>
    public required JwtOptions Jwt { get; init; }

    /// <summary>AES-256 key that encrypts TOTP secrets at rest (32 bytes).</summary>
    public required byte[] SecretKey { get; init; }

    /// <summary>Server-side pepper of backup-code and refresh-token hashes.</summary>
    public required byte[] Pepper { get; init; }

    /// <summary>
    /// The bearer token a service (the API gateway) presents to the internal routes (session lookup, the user routes it
    /// calls for a device session); null, the default, leaves those routes answering 401 to everyone.
    /// </summary>
    public string? ServiceToken { get; init; }

    /// <summary>
    /// Whether signing in by emailed code with an address no account has creates the account (true, the default) or is
    /// refused (false): then no code is sent, the answer is the same, and every code is wrong.
    /// </summary>
    public bool EmailSignUp { get; init; } = true;

    /// <summary>The issuer shown in authenticator apps.</summary>
    public string TotpIssuer { get; init; } = "FlowRunner";

    /// <summary>Failed attempts (password, TOTP, backup code) before the account locks.</summary>
    public int MaxFailedAttempts { get; init; } = 5;

    /// <summary>How long a lock lasts.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Absolute lifetime of a refresh-token family from the original login.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The start of the link in password-reset emails; the token is appended (<c>serve</c> sets it from <c>--public-url</c>).</summary>
    public string ResetLinkBase { get; init; } = "http://127.0.0.1:5080/api/auth/reset/";

    /// <summary>How long a flow of the pack waits for the user at a form (credentials, an email, a new password) before it ends.</summary>
    public TimeSpan InteractionTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in waits for its second factor; then the login instance ends (a <c>deadline</c> incident).</summary>
    public TimeSpan MfaLoginTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a TOTP secret waits for its first code before it is dropped.</summary>
    public TimeSpan PendingSecretLifetime { get; init; } = TimeSpan.FromMinutes(10);

    // Keys and the service token never reach a log through ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("BcryptCost = ").Append(BcryptCost).Append(", Issuer = ").Append(Jwt.Issuer);
        return true;
    }
}
