using FlowRunner.Engine.Persistence;
using FlowRunner.Storage.Relational;

namespace FlowRunner.Storage.Sqlite.Tests;

/// <summary>The JSON of a command's rows: each thread reuses one writer, so every write must start clean.</summary>
public sealed class JsonRowWriterTests
{
    [Fact]
    public void Each_write_holds_only_its_own_rows_after_a_large_write_and_an_empty_one()
    {
        string large = new('x', 100_000); // grows the buffer past what a thread keeps

        Assert.Equal($"[[\"{large}\"]]", JsonRowWriter.Write([large], (w, v) => w.Text(v)));
        Assert.Equal("[[\"a\",1]]", JsonRowWriter.Write(["a"], (w, v) => w.Text(v).Number(1)));
        Assert.Null(JsonRowWriter.Write(Array.Empty<string>(), (w, v) => w.Text(v)));
        Assert.Equal("[[\"b\",null],[\"c\",null]]", JsonRowWriter.Write(["b", "c"], (w, v) => w.Text(v).Text(null)));
    }

    [Fact]
    public void A_time_is_written_as_the_stores_write_it()
    {
        var time = new DateTimeOffset(2026, 12, 1, 16, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);

        Assert.Equal($"[[\"{StoredTime.Format(time)}\"]]", JsonRowWriter.Write([time], (w, v) => w.Time(v)));
        Assert.Equal("[[\"2026-12-01T14:04:05.1234567Z\"]]", JsonRowWriter.Write([time], (w, v) => w.Time(v)));
    }
}
