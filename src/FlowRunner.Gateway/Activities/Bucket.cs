using System.Text.Json;

namespace FlowRunner.Gateway.Activities;

/// <summary>A token bucket's policy, as a node's options give it: <c>{"capacity": N, "per_minute": R}</c>.</summary>
internal sealed record Bucket(double Capacity, double PerSecond)
{
    private static readonly TimeSpan LongestRefill = Engine.Persistence.RateBuckets.LongestRefill;

    /// <exception cref="FormatException">The value is no bucket; the message names it.</exception>
    public static Bucket Parse(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("capacity", out JsonElement capacity) && capacity.TryGetDouble(out double c) && c >= 1
            && value.TryGetProperty("per_minute", out JsonElement rate) && rate.TryGetDouble(out double r) && r > 0
            && value.EnumerateObject().Count() == 2)
        {
            var bucket = new Bucket(c, r / 60);
            return TimeSpan.FromSeconds(c / bucket.PerSecond) <= LongestRefill ? bucket
                : throw new FormatException($"budget \"{name}\" takes longer than {LongestRefill.TotalMinutes} minutes to refill: raise per_minute");
        }

        throw new FormatException($"budget \"{name}\" must be {{\"capacity\": N, \"per_minute\": R}} with N >= 1 and R > 0");
    }
}
