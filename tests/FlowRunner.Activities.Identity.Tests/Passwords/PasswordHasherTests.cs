using System.Diagnostics.Metrics;
using FlowRunner.Activities.Identity.Passwords;
using FlowRunner.Testing;

namespace FlowRunner.Activities.Identity.Tests.Passwords;

/// <summary>PW-01 to PW-05 of the auth test matrix; vectors from auth-security.md §2.3 (the rows that are valid UTF-8).</summary>
public sealed class PasswordHasherTests
{
    [Theory]
    [InlineData("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK")]
    [InlineData("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a")]
    [InlineData("", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy")]
    [InlineData("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [InlineData("", "$2a$08$HqWuK6/Ng6sg9gQzbLrgb.Tl.ZHfXLhvt/SgVyWhQqgqcZ7ZuUtye")]
    [InlineData("", "$2a$10$k1wbIrmNyFAPwPVPSVa/zecw2BCEnBwVS2GbrmgzxFUOqW9dk4TCW")]
    [InlineData("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe")]
    [InlineData("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO")]
    [InlineData("", "$2b$06$8eVN9RiU8Yki430X.wBvN.LWaqh2962emLVSVXVZIXJvDYLsV0oFu")]
    [InlineData("", "$2y$06$mFDtkz6UN7B3GZ2qi2hhaO3OFWzNEdcY84ELw6iHCPruuQfSAXBLK")]
    [InlineData("abc", "$2b$06$5FyQoicpbox1xSHFfhhdXuR2oxLpO1rYsQh5RTkI/9.RIjtoF0/ta")]
    [InlineData("abc", "$2y$06$ACfku9dT6.H8VjdKb8nhluaoBmhJyK7GfoNScEfOfrJffUxoUeCjK")]
    [InlineData("Kk4DQuMMfZL9o", "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm")]
    [InlineData("J8eHUDuxBB520", "$2b$04$VvlCUKbTMjaxaYJ.k5juoecpG/7IzcH1AkmqKi.lIZMVIOLClWAk.")]
    [InlineData("hello world", "$2y$12$wfkxITYXjNLVpEi9nOjz7uXMhCXKSTY7O2y7X4bwY89aGSvRziguq")]
    [InlineData("hello world", "$2b$12$wfkxITYXjNLVpEi9nOjz7uXMhCXKSTY7O2y7X4bwY89aGSvRziguq")]
    [InlineData("ππππππππ", "$2a$10$.TtQJ4Jr6isd4Hp.mVfZeuh6Gws4rOQ/vdBczhDx.19NFK0Y84Dle")]
    [InlineData("password", "$2a$05$bvIG6Nmid91Mu9RcmmWZfO5HJIMCT8riNW0hEp8f6/FuA2/mHZFpe")]
    [InlineData("dEe6XfVGrrfSH", "$2b$04$2Siw3Nv3Q/gTOIPetAyPr.GNj3aO0lb1E5E9UumYGKjP9BYqlNWJe")]
    public void Published_vectors_verify_and_a_wrong_password_does_not(string password, string hash)
    {
        Assert.True(PasswordHasher.Verify(hash, password));
        Assert.False(PasswordHasher.Verify(hash, password + "x"));
    }

    [Theory]
    [InlineData("$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")] // cost 3
    [InlineData("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe")] // 59 characters
    [InlineData("$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e")] // buggy $2x$ variant
    [InlineData("$2a$05$CCCCCCCCCCCCCCCCCCCC?.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")] // bad salt character
    [InlineData("not-a-hash")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_hashes_are_an_ordinary_failure(string? hash) => Assert.False(PasswordHasher.Verify(hash, "U*U"));

    [Fact]
    public void New_hashes_are_2b_with_the_configured_cost_and_a_fresh_salt()
    {
        var hasher = new PasswordHasher(cost: 5);
        string first = hasher.Hash("correct horse");
        string second = hasher.Hash("correct horse");
        Assert.StartsWith("$2b$05$", first, StringComparison.Ordinal);
        Assert.Equal(60, first.Length);
        Assert.NotEqual(first, second);
        Assert.True(PasswordHasher.Verify(first, "correct horse"));
        Assert.False(hasher.NeedsRehash(first));
        Assert.True(new PasswordHasher(cost: 6).NeedsRehash(first));
        Assert.True(hasher.NeedsRehash("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    }

    [Fact]
    public void Passwords_over_72_bytes_are_refused_rather_than_truncated()
    {
        var hasher = new PasswordHasher(cost: 4);
        string atLimit = new('a', 72);
        Assert.True(PasswordHasher.Verify(hasher.Hash(atLimit), atLimit));
        Assert.Throws<ArgumentException>(() => hasher.Hash(atLimit + "X"));
        Assert.Throws<ArgumentException>(() => hasher.Hash(new string('π', 64))); // 128 bytes of UTF-8
        Assert.Throws<ArgumentException>(() => hasher.Hash(string.Empty));
        // BouncyCastle alone would accept "a"x72 + anything against the hash of "a"x72; the wrapper does not.
        Assert.False(PasswordHasher.Verify(hasher.Hash(atLimit), atLimit + "Y"));
    }

    [Fact]
    public void Hashes_made_by_htpasswd_verify()
    {
        string line = ExternalTool.Run("htpasswd", "-nbB", "-C", "5", "alice", "s3cret pass");
        string hash = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
        Assert.StartsWith("$2y$05$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify(hash, "s3cret pass"));
        Assert.False(PasswordHasher.Verify(hash, "s3cret pas"));
    }

    [Fact]
    public void Our_hashes_verify_with_htpasswd()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "alice:" + new PasswordHasher(cost: 5).Hash("s3cret pass") + "\n");
            ExternalTool.Run("htpasswd", "-vb", file, "alice", "s3cret pass");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Salts_are_written_in_bcrypts_own_Base64()
    {
        // Written by BouncyCastle's OpenBsdBCrypt (an independent bcrypt) for this salt, password "pw" and cost 4.
        const string Reference = "$2b$04$..CA.uOD/eaGAOmJB.yM9u7jnpSFZqd/78zIg0U4TVHKyuFYa1LGi";
        byte[] salt = Convert.FromHexString("000102030405060708090A0B0C0D0EFF");
        Assert.Equal(Reference.Substring(7, 22), PasswordHasher.Encode(salt));
        Assert.True(PasswordHasher.Verify(Reference, "pw"));
        Assert.False(PasswordHasher.Verify(Reference, "pW"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    public void The_dummy_hash_has_the_configured_cost_and_matches_no_password(int cost)
    {
        string dummy = PasswordHasher.DummyHash(cost);
        Assert.Equal(60, dummy.Length);
        Assert.Equal(cost, PasswordHasher.CostOf(dummy));
        if (cost == 4)
        {
            Assert.False(PasswordHasher.Verify(dummy, string.Empty));
            Assert.False(PasswordHasher.Verify(dummy, "x"));
        }
    }

    [Fact]
    public void Every_verify_is_measured_by_cost_for_operators_choosing_the_cost()
    {
        var seen = new List<(double Seconds, object? Cost)>();
        using MeterListener listener = ListenToVerifies((seconds, cost) =>
        {
            lock (seen)
            {
                seen.Add((seconds, cost));
            }
        });

        // Other tests verify in parallel: look for this test's own two verifies (costs 5 and 6, good and bad).
        Assert.True(PasswordHasher.Verify("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"));
        Assert.False(PasswordHasher.Verify("$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe", "not a"));
        lock (seen)
        {
            Assert.Contains(seen, m => Equals(m.Cost, 5) && m.Seconds > 0);
            Assert.Contains(seen, m => Equals(m.Cost, 6) && m.Seconds > 0);
        }
    }

    [Fact]
    public void Every_login_check_costs_one_bcrypt_at_the_configured_cost_whatever_the_input()
    {
        // ENUM-02: the work of a check, summed as 2^cost over the verifies it ran on this thread, is 2^6 in every case.
        var hasher = new PasswordHasher(6);
        string current = hasher.Hash("correct horse battery");
        string older = new PasswordHasher(4).Hash("correct horse battery");
        int thread = Environment.CurrentManagedThreadId;
        var costs = new List<int>();
        using MeterListener listener = ListenToVerifies((_, cost) =>
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                costs.Add(cost);
            }
        });

        (string Case, string? Hash, string Password, bool Matches)[] cases =
        [
            ("right password", current, "correct horse battery", true),
            ("wrong password", current, "wrong", false),
            ("password over 72 bytes", current, new string('x', 80), false),
            ("empty password", current, string.Empty, false),
            ("no such user", null, "correct horse battery", false),
            ("malformed stored hash", "$2b$06$not-a-hash", "correct horse battery", false),
            ("older, cheaper hash", older, "correct horse battery", true),
        ];
        foreach ((string name, string? hash, string password, bool matches) in cases)
        {
            costs.Clear();
            Assert.Equal(matches, hasher.Check(hash, password));
            Assert.True(costs.Sum(c => 1 << c) == 1 << 6, $"{name}: verifies at costs {string.Join(", ", costs)}");
        }
    }

    /// <summary>Listens to the verify-duration histogram: each verify's seconds and cost, on the thread that ran it.</summary>
    private static MeterListener ListenToVerifies(Action<double, int> verified)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PasswordHasher.MeterName && instrument.Name == PasswordHasher.VerifyDurationInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "cost")
                {
                    verified(seconds, (int)tag.Value!);
                }
            }
        });
        listener.Start();
        return listener;
    }
}
