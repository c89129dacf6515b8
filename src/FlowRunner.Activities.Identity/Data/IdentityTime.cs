using System.Globalization;

namespace FlowRunner.Activities.Identity.Data;

/// <summary>UTC times as fixed-width ISO 8601 text, so SQL compares them as strings.</summary>
internal static class IdentityTime
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
