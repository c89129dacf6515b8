using FlowRunner.Engine.Persistence;

namespace FlowRunner.Engine.Tests.Persistence;

/// <summary>Stored times are fixed-width UTC text, so SQL orders and compares them as strings.</summary>
public sealed class StoredTimeTests
{
    [Theory]
    [InlineData("2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05.0000000Z")]
    [InlineData("2026-01-02T03:04:05.1234567+02:00", "2026-01-02T01:04:05.1234567Z")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.0000000Z")]
    [InlineData("2026-12-31T23:59:59.9999999-05:00", "2027-01-01T04:59:59.9999999Z")]
    public void A_time_is_written_as_fixed_width_UTC_text_and_read_back_as_the_same_instant(string time, string stored)
    {
        DateTimeOffset value = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(stored, StoredTime.Format(value));
        Span<char> written = stackalloc char[28];
        Assert.True(StoredTime.TryFormat(value, written, out int length));
        Assert.Equal(stored, written[..length].ToString());
        Assert.False(StoredTime.TryFormat(value, stackalloc char[27], out _));
        Assert.Equal(value, StoredTime.Parse(stored));
        Assert.Equal(TimeSpan.Zero, StoredTime.Parse(stored).Offset);
    }
}
