using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Storage.Sqlite;

/// <summary>JSON for the columns that hold structured values (waits, visits, outputs, incidents).</summary>
internal static class SqliteJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"stored JSON is null where a {typeof(T).Name} was expected");
}
