using System.Diagnostics;

namespace FlowRunner.Cli.Output;

/// <summary>
/// A progress line on standard error for long runs: only on a terminal (redirected output gets nothing extra), only
/// once the run has taken half a second, redrawn at most ten times a second, and erased when the run ends.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool enabled) : IDisposable
{
    private static readonly long ShowAfter = Stopwatch.Frequency / 2;
    private static readonly long RedrawEvery = Stopwatch.Frequency / 10;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _drawn;
    private int _width;

    /// <summary>Shows <paramref name="text"/> (one line) if it is time to.</summary>
    public void Report(string text)
    {
        long now = Stopwatch.GetTimestamp();
        if (!enabled || now - _started < ShowAfter || now - _drawn < RedrawEvery)
        {
            return;
        }

        _drawn = now;
        writer.Write('\r' + text.PadRight(_width));
        writer.Flush();
        _width = text.Length;
    }

    /// <summary>Erases the line, so what follows starts on a clean line.</summary>
    public void Dispose()
    {
        if (_width > 0)
        {
            writer.Write('\r' + new string(' ', _width) + '\r');
            writer.Flush();
            _width = 0;
        }
    }
}
