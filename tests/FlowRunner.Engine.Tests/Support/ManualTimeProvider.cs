namespace FlowRunner.Engine.Tests.Support;

/// <summary>A clock the test moves by hand (the edge we fake: time).</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
