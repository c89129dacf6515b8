using System.Text.RegularExpressions;

namespace FlowRunner.Activities.Identity.Tests;

/// <summary>
/// CT-01: secrets (password hashes, codes, MACs, tokens) are compared with CryptographicOperations.FixedTimeEquals or
/// inside one SQL lookup by their hash, never with == or Equals in C#. A code search over the identity sources that fails
/// when such a comparison appears.
/// </summary>
public sealed partial class ConstantTimeTests
{
    [Fact]
    public void No_secret_is_compared_with_ordinary_equality()
    {
        string root = Path.Combine(Scenarios.IdentityHarness.FlowsFolder, "..", "src", "FlowRunner.Activities.Identity");
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (SecretComparison().IsMatch(lines[i]))
                {
                    offenders.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.Empty(offenders);
        // And the constant-time primitive is really used where a secret is checked in memory: FixedTimeEquals for
        // hashes and MACs, Otp.NET's VerifyTotp (which XORs every character of each candidate) for codes.
        string passwords = File.ReadAllText(Path.Combine(root, "Passwords", "PasswordHasher.cs"));
        string tokens = File.ReadAllText(Path.Combine(root, "Tokens", "JwtService.cs"));
        string totp = File.ReadAllText(Path.Combine(root, "Totp", "OneTimePassword.cs"));
        Assert.All(new[] { passwords, tokens }, source => Assert.Contains("CryptographicOperations.FixedTimeEquals", source, StringComparison.Ordinal));
        Assert.Contains(".VerifyTotp(", totp, StringComparison.Ordinal);
    }

    // A variable or member named like a secret (hash, code, mac, token, signature, secret, password) on either side of
    // == / != / .Equals( / string.Equals(.
    [GeneratedRegex(@"(?i)\b\w*(hash|code|mac|token|signature|secret|password)\w*\s*(==|!=)\s*\w*(hash|code|mac|token|signature|secret|password)|\b\w*(hash|mac|token|signature|secret|password)\w*\.Equals\(|string\.Equals\(\s*\w*(hash|mac|token|signature|secret|password)")]
    private static partial Regex SecretComparison();
}
