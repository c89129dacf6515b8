using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using FlowRunner.Activities.Identity;
using FlowRunner.Activities.Identity.Tokens;

namespace FlowRunner.Cli;

/// <summary>
/// Keys and policy of the identity activities. Keys come from the environment (Base64, 32 bytes each):
/// FLOWRUNNER_JWT_KEY, FLOWRUNNER_SECRET_KEY, FLOWRUNNER_PEPPER; otherwise from a key file beside the database
/// (<c>&lt;db&gt;.keys.json</c>), created with random keys on first use and readable by its owner only.
/// FLOWRUNNER_BCRYPT_COST sets the bcrypt cost (default 12); FLOWRUNNER_ISSUER and FLOWRUNNER_AUDIENCE the token's.
/// The gateway's keys come the same way: FLOWRUNNER_GATEWAY_KEY (its Ed25519 private key, Base64 of the 32-byte seed) and
/// FLOWRUNNER_SERVICE_TOKEN (what it presents to the backend's internal routes); a key file made before they existed
/// gets them added. FLOWRUNNER_EMAIL_SIGNUP=off refuses device sign-ins by emailed code for addresses no account has.
/// </summary>
internal static class IdentityConfiguration
{
    /// <summary>Options for a database (keys from the environment or its key file).</summary>
    public static IdentityOptions ForDatabase(string database) => Build(KeysOf(database));

    /// <summary>The gateway's options for a database (keys from the environment or its key file); <paramref name="backend"/> null is this server.</summary>
    public static FlowRunner.Gateway.GatewayOptions GatewayForDatabase(string database, Uri? backend)
    {
        Func<string, string?> get = KeysOf(database);
        return new FlowRunner.Gateway.GatewayOptions
        {
            SigningKey = Key(get, "FLOWRUNNER_GATEWAY_KEY"),
            ServiceToken = get("FLOWRUNNER_SERVICE_TOKEN") is { Length: >= 32 } token ? token
                : throw new ConfigurationProblemException("FLOWRUNNER_SERVICE_TOKEN must be at least 32 characters (e.g. 'openssl rand -base64 32')"),
            Backend = backend,
        };
    }

    // A PostgreSQL database has no file to keep keys beside, and its nodes must share them: the environment gives them.
    private static Func<string, string?> KeysOf(string database)
    {
        if (DatabaseAddress.IsPostgres(database))
        {
            return name => Environment.GetEnvironmentVariable(name)
                ?? throw new ConfigurationProblemException($"{name} is not set: with a PostgreSQL --db every node takes its keys from the environment (the same on each), e.g. 'openssl rand -base64 32'");
        }

        Dictionary<string, string> keys = LoadOrCreateKeyFile(Path.GetFullPath(database) + ".keys.json");
        return name => Environment.GetEnvironmentVariable(name) ?? keys.GetValueOrDefault(name);
    }

    /// <summary>Options with throwaway keys: enough to bind and validate flows, which never sign or encrypt.</summary>
    public static IdentityOptions ForValidation() => Build(_ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    private static IdentityOptions Build(Func<string, string?> get)
    {
        int cost = int.TryParse(Environment.GetEnvironmentVariable("FLOWRUNNER_BCRYPT_COST"), NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : IdentityOptions.DefaultBcryptCost;
        return new IdentityOptions
        {
            BcryptCost = cost,
            Jwt = new JwtOptions
            {
                Issuer = Environment.GetEnvironmentVariable("FLOWRUNNER_ISSUER") ?? "flowrunner",
                Audience = Environment.GetEnvironmentVariable("FLOWRUNNER_AUDIENCE") ?? "flowrunner-api",
                SigningKey = Key(get, "FLOWRUNNER_JWT_KEY"),
            },
            SecretKey = Key(get, "FLOWRUNNER_SECRET_KEY"),
            Pepper = Key(get, "FLOWRUNNER_PEPPER"),
            ServiceToken = get("FLOWRUNNER_SERVICE_TOKEN"),
            EmailSignUp = Environment.GetEnvironmentVariable("FLOWRUNNER_EMAIL_SIGNUP") is not ("off" or "false" or "0"),
        };
    }

    private static byte[] Key(Func<string, string?> get, string name)
    {
        string value = get(name) ?? throw new ConfigurationProblemException($"{name} is not set");
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new ConfigurationProblemException($"{name} must be Base64 of 32 random bytes (e.g. 'openssl rand -base64 32')");
        }

        return key.Length == 32 ? key : throw new ConfigurationProblemException($"{name} must be 32 bytes (256 bits), not {key.Length}");
    }

    // Every key a key file holds: a file missing some (made by an older version) gets them added.
    private static readonly string[] KeyNames = ["FLOWRUNNER_JWT_KEY", "FLOWRUNNER_SECRET_KEY", "FLOWRUNNER_PEPPER", "FLOWRUNNER_GATEWAY_KEY", "FLOWRUNNER_SERVICE_TOKEN"];

    private static Dictionary<string, string> LoadOrCreateKeyFile(string path)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            CheckPrivate(path);
            try
            {
                keys = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? throw new JsonException("null");
            }
            catch (JsonException)
            {
                throw new ConfigurationProblemException($"{path} is not a key file (a JSON object of FLOWRUNNER_* keys): fix it, or move it away to have a new one made");
            }
        }

        if (KeyNames.All(keys.ContainsKey))
        {
            return keys;
        }

        foreach (string name in KeyNames.Where(n => !keys.ContainsKey(n)))
        {
            keys[name] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        // Written beside the file and moved over it, readable by its owner only from the start.
        string written = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(written, options))
        {
            JsonSerializer.Serialize(stream, keys);
        }

        File.Move(written, path, overwrite: true);
        return keys;
    }

    /// <summary>Refuses a key file that another user owns or that group or others may read: someone else could swap or read the keys.</summary>
    private static void CheckPrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ConfigurationProblemException(
                $"{path} can be read or written by other users (mode {Convert.ToString((int)mode, 8)}): it holds the signing keys; run 'chmod 600 {path}'");
        }

        try
        {
            File.SetUnixFileMode(path, mode); // only the owner (or root) may: a no-op that tells whose file it is
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationProblemException(
                $"{path} belongs to another user: the keys must be the server's own; run 'chown' it to the user that runs flowrunner, or set FLOWRUNNER_JWT_KEY, FLOWRUNNER_SECRET_KEY and FLOWRUNNER_PEPPER");
        }
    }
}
