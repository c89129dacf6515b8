using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;

namespace FlowRunner.Activities.Identity.Passwords;

/// <summary>
/// bcrypt on BCrypt.Net-Next, wrapped as auth-security.md §4.1 says: new hashes are <c>$2b$</c> with a 16-byte
/// salt from the CSPRNG; verification recomputes and compares in constant time; a malformed stored hash is an
/// ordinary failure, never an exception; passwords over 72 UTF-8 bytes are refused (bcrypt would silently ignore the
/// rest, so two different passwords would match), and unknown users get a dummy verify of the same cost.
/// </summary>
internal sealed class PasswordHasher
{
    /// <summary>The cost FlowRunner uses unless configured: 12, as the seed asks.</summary>
    public const int DefaultCost = 12;

    /// <summary>bcrypt reads at most this many bytes of a password.</summary>
    public const int MaxPasswordBytes = 72;

    /// <summary>The meter of the identity activities (<c>FlowRunner.Identity</c>).</summary>
    public const string MeterName = "FlowRunner.Identity";

    /// <summary>The histogram of bcrypt verify durations, in seconds, tagged with the hash's cost: what an operator watches when choosing the cost.</summary>
    public const string VerifyDurationInstrument = "flowrunner.identity.password.verify.duration";

    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly System.Buffers.SearchValues<char> Base64Characters = System.Buffers.SearchValues.Create(Alphabet);
    private static readonly Meter IdentityMeter = new(MeterName);
    private static readonly Histogram<double> VerifyDuration = IdentityMeter.CreateHistogram<double>(
        VerifyDurationInstrument, unit: "s", description: "Time of one bcrypt verify (real or dummy), by cost");
    private readonly string _dummyHash;

    /// <summary>A hasher of the given cost (4 to 31; 10 or more in production).</summary>
    public PasswordHasher(int cost = DefaultCost)
    {
        if (cost is < 4 or > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, "bcrypt cost must be between 4 and 31.");
        }

        Cost = cost;
        _dummyHash = DummyHash(cost);
    }

    /// <summary>The cost of new hashes.</summary>
    public int Cost { get; }

    /// <summary>Why a password cannot be hashed, or null when it can.</summary>
    public static string? PolicyProblem(string password) =>
        password.Length == 0 ? "the password is empty"
        : Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes ? $"the password is longer than {MaxPasswordBytes} bytes (UTF-8), which bcrypt cannot tell apart"
        : null;

    /// <summary>A new <c>$2b$</c> hash.</summary>
    /// <exception cref="ArgumentException">The password breaks the policy (<see cref="PolicyProblem"/>).</exception>
    public string Hash(string password)
    {
        if (PolicyProblem(password) is { } problem)
        {
            throw new ArgumentException(problem, nameof(password));
        }

        return BCrypt.Net.BCrypt.HashPassword(password, $"$2b${Cost:D2}${Encode(RandomNumberGenerator.GetBytes(16))}");
    }

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="storedHash"/> ($2a$, $2b$ or $2y$, as htpasswd,
    /// libxcrypt and PHP write them). A malformed hash, or a password bcrypt would truncate, is false.
    /// </summary>
    public static bool Verify(string? storedHash, string password)
    {
        if (storedHash is null || !TryParse(storedHash, out _, out int cost)
            || Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes)
        {
            return false;
        }

        string computed;
        long started = Stopwatch.GetTimestamp();
        try
        {
            computed = BCrypt.Net.BCrypt.HashPassword(password, storedHash[..29]);
        }
        catch (Exception e) when (e is ArgumentException or BCrypt.Net.SaltParseException)
        {
            return false;
        }
        finally
        {
            VerifyDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("cost", cost));
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(computed));
    }

    /// <summary>
    /// One login's password check, costing one bcrypt at this hasher's cost whatever the input (ENUM-02): a real verify
    /// where there is a hash; dummy work where there is none, where it is malformed, or where bcrypt cannot take the
    /// password; and dummy work topping a cheaper, older hash up to this cost until it is rehashed.
    /// </summary>
    public bool Check(string? storedHash, string password)
    {
        if (storedHash is null || CostOf(storedHash) is not { } cost || PolicyProblem(password) is not null)
        {
            DummyVerify(password);
            return false;
        }

        bool matches = Verify(storedHash, password);
        for (int extra = cost; extra < Cost; extra++)
        {
            _ = Verify(DummyHash(extra), "x"); // 2^cost + 2^cost + ... + 2^(Cost-1) = 2^Cost
        }

        return matches;
    }

    /// <summary>Runs a verify of the same cost against a hash no password matches: unknown users cost as much as known ones.</summary>
    private void DummyVerify(string password) => _ = Verify(_dummyHash, password.Length > 0 && Encoding.UTF8.GetByteCount(password) <= MaxPasswordBytes ? password : "x");

    /// <summary>True when a stored hash should be replaced after a successful login (another cost or version).</summary>
    public bool NeedsRehash(string storedHash) =>
        !TryParse(storedHash, out string version, out int cost) || cost != Cost || version != "2b";

    /// <summary>The cost written in a stored hash, or null when it is malformed.</summary>
    public static int? CostOf(string storedHash) => TryParse(storedHash, out _, out int cost) ? cost : null;

    // A well-formed hash of this cost with a random salt and a random digest: verifying against it costs a full
    // bcrypt run and never matches, and making it costs no bcrypt run (a command that never logs in pays nothing).
    internal static string DummyHash(int cost) =>
        $"$2b${cost:D2}${Encode(RandomNumberGenerator.GetBytes(16))}{Encode(RandomNumberGenerator.GetBytes(23))}";

    // bcrypt's Base64 packs bits as standard Base64 does, with its own alphabet and no padding.
    internal static string Encode(byte[] bytes)
    {
        const string Standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        return string.Concat(Convert.ToBase64String(bytes).TrimEnd('=').Select(c => Alphabet[Standard.IndexOf(c, StringComparison.Ordinal)]));
    }

    // $2a$, $2b$ or $2y$, a cost of 4 to 31, and 53 characters of bcrypt's Base64 (22 of salt, 31 of digest).
    private static bool TryParse(string hash, out string version, out int cost)
    {
        version = string.Empty;
        cost = 0;
        if (hash.Length != 60 || hash[0] != '$' || hash[3] != '$' || hash[6] != '$'
            || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5])
            || hash.AsSpan(7).ContainsAnyExcept(Base64Characters))
        {
            return false;
        }

        version = hash.Substring(1, 2);
        cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        return version is "2a" or "2b" or "2y" && cost is >= 4 and <= 31;
    }
}
