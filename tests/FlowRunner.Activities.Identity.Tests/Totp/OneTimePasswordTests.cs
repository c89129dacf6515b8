using System.Text;
using FlowRunner.Activities.Identity.Totp;
using FlowRunner.Testing;
using OtpNet;

namespace FlowRunner.Activities.Identity.Tests.Totp;

/// <summary>TOTP-01, TOTP-02, TOTP-06 of the auth test matrix; vectors from auth-security.md §2.1, §2.2, §2.4.</summary>
public sealed class OneTimePasswordTests
{
    private static readonly byte[] Seed20 = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Seed32 = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Seed64 = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Rfc4226_hotp_vectors(long counter, string expected) => Assert.Equal(expected, new Hotp(Seed20).ComputeHOTP(counter));

    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Rfc6238_totp_vectors_for_each_hash_in_8_and_6_digits(long unix, string sha1, string sha256, string sha512)
    {
        DateTimeOffset time = DateTimeOffset.FromUnixTimeSeconds(unix);
        Assert.Equal(sha1, OneTimePassword.Totp(Seed20, time, 8, OtpHashMode.Sha1));
        Assert.Equal(sha256, OneTimePassword.Totp(Seed32, time, 8, OtpHashMode.Sha256));
        Assert.Equal(sha512, OneTimePassword.Totp(Seed64, time, 8, OtpHashMode.Sha512));
        Assert.Equal(sha1[2..], OneTimePassword.Totp(Seed20, time, 6, OtpHashMode.Sha1));
        Assert.Equal(sha256[2..], OneTimePassword.Totp(Seed32, time, 6, OtpHashMode.Sha256));
    }

    [Fact]
    public void Negative_control_the_20_byte_seed_for_sha256_gives_other_codes()
    {
        Assert.Equal("32247374", OneTimePassword.Totp(Seed20, DateTimeOffset.FromUnixTimeSeconds(59), 8, OtpHashMode.Sha256));
        Assert.NotEqual("46119246", OneTimePassword.Totp(Seed20, DateTimeOffset.FromUnixTimeSeconds(59), 8, OtpHashMode.Sha256));
    }

    [Fact]
    public void Window_accepts_one_step_either_side_and_no_more()
    {
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(30 * 1000 + 15);
        long current = OneTimePassword.StepAt(now);
        foreach (int offset in new[] { -1, 0, 1 })
        {
            Assert.Equal(current + offset, OneTimePassword.Verify(Seed20, AtStep(current + offset), now));
        }

        Assert.Null(OneTimePassword.Verify(Seed20, AtStep(current - 2), now));
        Assert.Null(OneTimePassword.Verify(Seed20, AtStep(current + 2), now));
        Assert.Null(OneTimePassword.Verify(Seed20, "12345", now));
        Assert.Null(OneTimePassword.Verify(Seed20, "12345a", now));
    }

    private static string AtStep(long step) => OneTimePassword.Totp(Seed20, DateTimeOffset.FromUnixTimeSeconds(step * OneTimePassword.StepSeconds));

    [Theory]
    [InlineData(30 * 1000 - 1, 999)]
    [InlineData(30 * 1000, 1000)]
    [InlineData(30 * 1000 + 29, 1000)]
    public void Steps_change_exactly_at_multiples_of_30_seconds(long unix, long step) =>
        Assert.Equal(step, OneTimePassword.StepAt(DateTimeOffset.FromUnixTimeSeconds(unix)));

    [Fact]
    public void Codes_agree_with_oathtool_as_an_independent_peer()
    {
        byte[] secret = OneTimePassword.NewSecret();
        string base32 = OneTimePassword.ToBase32(secret);
        foreach (long unix in new[] { 59L, 1111111109L, 1700000000L, 2000000000L })
        {
            string at = DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
            string expected = ExternalTool.Run("oathtool", "--totp", "--base32", "--now", at, base32);
            Assert.Equal(expected, OneTimePassword.Totp(secret, DateTimeOffset.FromUnixTimeSeconds(unix)));
        }
    }

    [Fact]
    public void Secrets_are_160_bits_distinct_and_32_base32_characters()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            string encoded = OneTimePassword.ToBase32(OneTimePassword.NewSecret());
            Assert.Equal(32, encoded.Length);
            Assert.True(seen.Add(encoded));
        }
    }

    [Fact]
    public void Base32_round_trips_and_matches_the_key_uri_example()
    {
        Assert.Equal("48656C6C6F21DEADBEEF", Convert.ToHexString(OneTimePassword.FromBase32("JBSWY3DPEHPK3PXP")!));
        Assert.Equal("JBSWY3DPEHPK3PXP", OneTimePassword.ToBase32(Convert.FromHexString("48656C6C6F21DEADBEEF")));
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", OneTimePassword.ToBase32(Seed20));
        Assert.Equal(Seed20, OneTimePassword.FromBase32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq"));
        Assert.Equal("JBSWY3DPEE", OneTimePassword.ToBase32(Convert.FromHexString("48656C6C6F21")));
        Assert.Null(OneTimePassword.FromBase32("not base32!"));
    }

    [Fact]
    public void Key_uri_follows_the_key_uri_format()
    {
        Assert.Equal(
            "otpauth://totp/FlowRunner:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=FlowRunner&algorithm=SHA1&digits=6&period=30",
            OneTimePassword.KeyUri("FlowRunner", "alice@example.com", Seed20));
        Assert.Throws<ArgumentException>(() => OneTimePassword.KeyUri("Flow:Runner", "alice", Seed20));
    }
}
