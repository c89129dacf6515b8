using FlowRunner.Activities.Identity.BackupCodes;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Activities.Identity;

/// <summary>What the identity handlers share (policy, passwords, tokens, secret protection, code hashing), and what a host needs of it.</summary>
public sealed class IdentityServices(IdentityOptions options) : IDisposable
{
    private readonly SemaphoreSlim _passwordWorkers = new(Math.Max(1, options.PasswordWorkers));
    private int _passwordWaiting;

    /// <summary>The meter of the identity activities (bcrypt verify durations), for hosts that export metrics.</summary>
    public const string MeterName = PasswordHasher.MeterName;

    /// <summary>The policy.</summary>
    public IdentityOptions Options { get; } = options;

    /// <summary>bcrypt at the configured cost.</summary>
    internal PasswordHasher Passwords { get; } = new(options.BcryptCost);

    /// <summary>Encrypts TOTP secrets at rest.</summary>
    internal SecretProtector Secrets { get; } = new(options.SecretKey);

    /// <summary>Hashes backup codes and refresh tokens with the pepper.</summary>
    internal BackupCodeGenerator Codes { get; } = new(options.Pepper);

    /// <summary>Why a password cannot be used (empty, or over bcrypt's 72 bytes), or null when it can.</summary>
    public static string? PasswordProblem(string password) => PasswordHasher.PolicyProblem(password);

    /// <summary>A bcrypt hash of a password at the configured cost, as <c>flowrunner users create</c> stores it.</summary>
    public string HashPassword(string password) => Passwords.Hash(password);

    /// <summary>The peppered hash under which tokens (refresh tokens, reset links) are stored.</summary>
    public string HashToken(string token) => Codes.HashCode(token);

    /// <summary>A 6-digit code from the CSPRNG, as emailed sign-in codes are.</summary>
    internal static string NewEmailCode() =>
        System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The stored form of an emailed sign-in code: bound to the login (instance) it was sent for.</summary>
    internal string HashEmailCode(string instanceId, string code) => Codes.HashCode(instanceId + ":" + code);

    /// <summary>True when <paramref name="presented"/> is the configured service token (compared in constant time, by hash so the length does not show).</summary>
    public bool IsServiceToken(string presented) =>
        Options.ServiceToken is { Length: > 0 } expected
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented)),
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expected)));

    /// <summary>Checks an access token: its claims, or why it is refused.</summary>
    public JwtValidation ValidateAccessToken(string token, TimeProvider time) => Tokens(time).Validate(token);

    /// <summary>
    /// Waits for a bcrypt worker (<see cref="IdentityOptions.PasswordWorkers"/>); dispose the lease when the work is done.
    /// </summary>
    /// <exception cref="ActivityBusyException">The queue is full: the caller is told to retry in a few seconds.</exception>
    internal async Task<IDisposable> PasswordWorkAsync(CancellationToken cancellationToken)
    {
        if (!_passwordWorkers.Wait(0, CancellationToken.None))
        {
            if (Interlocked.Increment(ref _passwordWaiting) > Options.PasswordQueue)
            {
                Interlocked.Decrement(ref _passwordWaiting);
                // A full queue drains in about its length times one bcrypt over the workers: a few seconds.
                throw new ActivityBusyException("too many password checks are waiting", TimeSpan.FromSeconds(2));
            }

            try
            {
                await _passwordWorkers.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _passwordWaiting);
            }
        }

        return new PasswordWorker(_passwordWorkers);
    }

    /// <inheritdoc/>
    public void Dispose() => _passwordWorkers.Dispose();

    /// <summary>Issues and checks access tokens.</summary>
    internal JwtService Tokens(TimeProvider time) => new(Options.Jwt, time);

    private sealed class PasswordWorker(SemaphoreSlim workers) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                workers.Release();
            }
        }
    }
}
