using System.Collections.Concurrent;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Engine.Tests.Persistence;

public sealed class RecordIdTests
{
    [Fact]
    public async Task Ids_are_32_lowercase_hex_characters_and_never_repeat_across_threads_and_refills_of_the_random_buffer()
    {
        var ids = new ConcurrentBag<string>();
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        // 1,000 ids a thread: about four refills of each thread's 4 KiB of random bytes; half of them share one millisecond.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                ids.Add(RecordId.New());
                ids.Add(RecordId.NewOrdered(now));
            }
        })));

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Ordered_ids_begin_with_their_millisecond_so_later_ones_sort_after_earlier_ones()
    {
        var now = new DateTimeOffset(2026, 12, 1, 16, 30, 0, TimeSpan.Zero);
        string[] ids = [.. Enumerable.Range(0, 200).Select(i => RecordId.NewOrdered(now.AddMilliseconds(i)))];

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(now.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), ids[0][..12]);
        // The other 80 bits are random: ids of one millisecond differ there.
        Assert.NotEqual(RecordId.NewOrdered(now)[12..], RecordId.NewOrdered(now)[12..]);
    }
}
