using System.Collections.Concurrent;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Engine.Tests.Persistence;

public sealed class RecordIdTests
{
    [Fact]
    public async Task Ids_are_32_lowercase_hex_characters_and_never_repeat_across_threads_and_refills_of_the_random_buffer()
    {
        var ids = new ConcurrentBag<string>();
        // 1,000 ids a thread: about four refills of each thread's 4 KiB of random bytes.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                ids.Add(RecordId.New());
            }
        })));

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
