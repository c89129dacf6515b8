using FlowRunner.Activities.Identity.BackupCodes;

namespace FlowRunner.Activities.Identity.Tests.BackupCodes;

/// <summary>BC-01 and BC-04 (format, normalisation, storage form) of the auth test matrix.</summary>
public sealed class BackupCodeGeneratorTests
{
    [Fact]
    public void A_set_is_ten_distinct_120_bit_codes_in_groups_of_four()
    {
        IReadOnlyList<string> codes = BackupCodeGenerator.Generate();
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$", c));
        Assert.True(BackupCodeGenerator.Length * Math.Log2(32) >= 112); // ASVS 5.0 6.5.2: keyed hash allowed
    }

    [Theory]
    [InlineData("abcd-efgh-jkmn-pqrs-tvwx-yz01", "ABCDEFGHJKMNPQRSTVWXYZ01")]
    [InlineData("ABCD EFGH JKMN PQRS TVWX YZO1", "ABCDEFGHJKMNPQRSTVWXYZ01")]
    [InlineData("ABCDEFGHJKMNPQRSTVWXYZIL", "ABCDEFGHJKMNPQRSTVWXYZ11")]
    [InlineData("ABCD-EFGH", null)]
    [InlineData("ABCD-EFGH-JKMN-PQRS-TVWX-YZ0U", null)]
    public void Typed_codes_are_normalised(string typed, string? expected) => Assert.Equal(expected, BackupCodeGenerator.Normalize(typed));

    [Fact]
    public void Stored_form_is_a_peppered_hash_that_depends_on_the_pepper()
    {
        var a = new BackupCodeGenerator([1, 2, 3]);
        var b = new BackupCodeGenerator([4, 5, 6]);
        string code = BackupCodeGenerator.Normalize(BackupCodeGenerator.Generate()[0])!;
        Assert.Equal(a.HashCode(code), a.HashCode(code));
        Assert.NotEqual(a.HashCode(code), b.HashCode(code));
        Assert.DoesNotContain(code, a.HashCode(code), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(64, a.HashCode(code).Length);
    }
}
