namespace FlowRunner.Engine.Persistence;

/// <summary>The shared token buckets of <see cref="IInstanceStore.TakeTokenAsync"/>.</summary>
public static class RateBuckets
{
    /// <summary>The longest a bucket may take to fill up: buckets idle this long are full again, and pruned.</summary>
    public static readonly TimeSpan LongestRefill = TimeSpan.FromHours(1);
}
