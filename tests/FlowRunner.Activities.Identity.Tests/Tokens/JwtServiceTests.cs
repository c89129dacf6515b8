using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowRunner.Activities.Identity.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlowRunner.Activities.Identity.Tests.Tokens;

/// <summary>JWT-01 to JWT-09 of the auth test matrix, with RFC 7515 A.1 and a differential check against IdentityModel.</summary>
public sealed class JwtServiceTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static JwtService Service(DateTimeOffset? at = null) => new(
        new JwtOptions { Issuer = "https://flowrunner.local", Audience = "flowrunner-api", SigningKey = Key },
        new FixedTime(at ?? Now));

    [Fact]
    public void Issued_token_has_the_seed_claims_and_validates()
    {
        string token = Service().IssueAccessToken("user-1", "ann@example.com", "user");
        JwtValidation result = Service().Validate(token);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal("user-1", result.Subject);
        Assert.Equal("ann@example.com", result.Claims["email"].GetString());
        Assert.Equal("user", result.Claims["role"].GetString());
        Assert.Equal(3600, result.Claims["exp"].GetInt64() - result.Claims["iat"].GetInt64());
        using JsonDocument header = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[0]));
        Assert.Equal(("HS256", "at+jwt"), (header.RootElement.GetProperty("alg").GetString(), header.RootElement.GetProperty("typ").GetString()));
    }

    [Theory]
    [InlineData("""{"alg":"HS512","typ":"at+jwt"}""", "HS512")]
    [InlineData("""{"alg":"HS384","typ":"at+jwt"}""", "HS384")]
    [InlineData("""{"alg":"RS256","typ":"at+jwt"}""", "HS256")]
    [InlineData("""{"alg":"none","typ":"at+jwt"}""", "none")]
    [InlineData("""{"typ":"at+jwt"}""", "HS256")]
    [InlineData("""{"alg":"HS256"}""", "HS256")]
    [InlineData("""{"alg":"HS256","typ":"refresh+jwt"}""", "HS256")]
    [InlineData("""{"alg":"HS256","typ":"at+jwt","crit":["exp"]}""", "HS256")]
    [InlineData("""{"alg":"HS256","alg":"HS256","typ":"at+jwt"}""", "HS256")]
    public void Only_hs256_access_tokens_without_crit_are_accepted(string header, string signWith)
    {
        string token = Craft(header, ValidPayload(), signWith);
        Assert.False(Service().Validate(token).IsValid);
    }

    [Fact]
    public void Header_kid_and_jku_never_choose_the_key()
    {
        // Signed with another key and pointing at it: still refused, because the key comes from our configuration.
        byte[] attackerKey = RandomNumberGenerator.GetBytes(32);
        string token = Craft("""{"alg":"HS256","typ":"at+jwt","kid":"attacker","jku":"https://evil.example/keys"}""", ValidPayload(), "HS256", attackerKey);
        Assert.Equal("bad signature", Service().Validate(token).Error);
        string ours = Craft("""{"alg":"HS256","typ":"at+jwt","kid":"anything"}""", ValidPayload(), "HS256");
        Assert.True(Service().Validate(ours).IsValid);
    }

    [Fact]
    public void Tampered_payload_is_refused()
    {
        string token = Service().IssueAccessToken("user-1", "ann@example.com", "user");
        string[] parts = token.Split('.');
        string forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("user-1", "admin-9", StringComparison.Ordinal)));
        Assert.Equal("bad signature", Service().Validate(parts[0] + "." + forged + "." + parts[2]).Error);
    }

    [Theory]
    [InlineData(-60, false)] // expired a minute ago: beyond the 30 s skew
    [InlineData(-20, true)] // expired 20 s ago: within the skew
    [InlineData(3600, true)]
    public void Expiry_is_enforced_with_a_small_skew(int expiresInSeconds, bool valid)
    {
        string token = Craft("""{"alg":"HS256","typ":"at+jwt"}""", ValidPayload(exp: Now.AddSeconds(expiresInSeconds)), "HS256");
        Assert.Equal(valid, Service().Validate(token).IsValid);
    }

    [Fact]
    public void Missing_exp_future_nbf_wrong_audience_and_wrong_issuer_are_refused()
    {
        long now = Now.ToUnixTimeSeconds();
        string Payload(string extra) => "{\"iss\":\"https://flowrunner.local\",\"aud\":\"flowrunner-api\",\"sub\":\"u\"" + extra + "}";
        Assert.Equal("exp is required", Service().Validate(Craft(HeaderJson, Payload(string.Empty), "HS256")).Error);
        Assert.Equal("the token is not valid yet", Service().Validate(Craft(HeaderJson, Payload($",\"exp\":{now + 600},\"nbf\":{now + 200}"), "HS256")).Error);
        Assert.Equal("wrong audience", Service().Validate(Craft(HeaderJson, Payload($",\"exp\":{now + 600}").Replace("flowrunner-api", "other-api", StringComparison.Ordinal), "HS256")).Error);
        Assert.Equal("wrong issuer", Service().Validate(Craft(HeaderJson, Payload($",\"exp\":{now + 600}").Replace("flowrunner.local", "evil.example", StringComparison.Ordinal), "HS256")).Error);
        Assert.Contains("twice", Service().Validate(Craft(HeaderJson, Payload($",\"exp\":{now + 600},\"sub\":\"admin\""), "HS256")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Jwe_oversized_and_malformed_tokens_are_refused_without_exceptions()
    {
        JwtService service = Service();
        Assert.Equal("encrypted tokens (JWE) are not accepted", service.Validate("a.b.c.d.e").Error);
        Assert.False(service.Validate(new string('a', JwtService.MaxTokenLength + 1)).IsValid);
        Assert.False(service.Validate(null).IsValid);
        Assert.False(service.Validate("..").IsValid);
        Assert.False(service.Validate("not a token").IsValid);
        string nested = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new string('[', 90_000)));
        Assert.False(service.Validate(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(HeaderJson)) + "." + nested + ".AAAA").IsValid);
    }

    [Fact]
    public void Keys_under_256_bits_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new JwtService(
            new JwtOptions { Issuer = "i", Audience = "a", SigningKey = RandomNumberGenerator.GetBytes(16) }, TimeProvider.System));
        Assert.Throws<ArgumentException>(() => new JwtService(
            new JwtOptions { Issuer = "i", Audience = "a", SigningKey = Key, ClockSkew = TimeSpan.FromMinutes(5) }, TimeProvider.System));
    }

    [Fact]
    public void Rfc7515_appendix_a1_mac_is_checked_over_the_segments_as_received()
    {
        byte[] key = Base64Url.DecodeFromChars("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
        string[] parts = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".Split('.');
        Assert.True(JwtService.VerifySignature(parts[0], parts[1], parts[2], key));
        Assert.False(JwtService.VerifySignature(parts[0], parts[1] + "A", parts[2], key));
    }

    [Fact]
    public async Task IdentityModel_accepts_our_tokens_with_strict_parameters()
    {
        string token = Service(DateTimeOffset.UtcNow).IssueAccessToken("user-1", "ann@example.com", "user");
        TokenValidationResult result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://flowrunner.local",
            ValidAudience = "flowrunner-api",
            IssuerSigningKey = new SymmetricSecurityKey(Key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidTypes = ["at+jwt"],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("user-1", result.Claims["sub"]);
    }

    private const string HeaderJson = """{"alg":"HS256","typ":"at+jwt"}""";

    private static string ValidPayload(DateTimeOffset? exp = null) =>
        $"{{\"iss\":\"https://flowrunner.local\",\"aud\":\"flowrunner-api\",\"sub\":\"u\",\"iat\":{Now.ToUnixTimeSeconds()},\"exp\":{(exp ?? Now.AddHours(1)).ToUnixTimeSeconds()}}}";

    private static string Craft(string header, string payload, string algorithm, byte[]? key = null)
    {
        string input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        byte[] data = Encoding.ASCII.GetBytes(input);
        byte[] mac = algorithm switch
        {
            "HS512" => HMACSHA512.HashData(key ?? Key, data),
            "HS384" => HMACSHA384.HashData(key ?? Key, data),
            "none" => [],
            _ => HMACSHA256.HashData(key ?? Key, data),
        };
        return input + "." + Base64Url.EncodeToString(mac);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
