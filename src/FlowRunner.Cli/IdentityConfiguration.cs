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
/// </summary>
internal static class IdentityConfiguration
{
    /// <summary>Options for a database (keys from the environment or its key file).</summary>
    public static IdentityOptions ForDatabase(string database)
    {
        Dictionary<string, string> keys = LoadOrCreateKeyFile(Path.GetFullPath(database) + ".keys.json");
        return Build(name => Environment.GetEnvironmentVariable(name) ?? keys.GetValueOrDefault(name));
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
        };
    }

    private static byte[] Key(Func<string, string?> get, string name)
    {
        string value = get(name) ?? throw new InvalidOperationException($"{name} is not set");
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name} must be Base64 of 32 random bytes (e.g. 'openssl rand -base64 32')");
        }

        return key.Length == 32 ? key : throw new InvalidOperationException($"{name} must be 32 bytes (256 bits), not {key.Length}");
    }

    private static Dictionary<string, string> LoadOrCreateKeyFile(string path)
    {
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
                ?? throw new InvalidOperationException($"{path} is not a key file");
        }

        var keys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["FLOWRUNNER_JWT_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["FLOWRUNNER_SECRET_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["FLOWRUNNER_PEPPER"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, keys);
        }

        return keys;
    }
}
