using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowRunner.Storage.Relational;

/// <summary>An INSERT of rows handed over as one JSON parameter, and the name of that parameter.</summary>
internal sealed record RowInsert(string Sql, string Parameter)
{
    /// <summary>
    /// <c>INSERT INTO table (columns) SELECT ... FROM</c> the JSON array in <paramref name="parameter"/>, one row per
    /// element, in the array's order. A column written <c>name:bigint</c> is an integer; the others are text.
    /// </summary>
    public static RowInsert For(string database, string table, string parameter, params string[] columns)
    {
        string names = string.Join(", ", columns.Select(c => c.Split(':')[0]));
        string values = database == "PostgreSQL"
            ? string.Join(", ", columns.Select((c, i) => c.EndsWith(":bigint", StringComparison.Ordinal) ? $"(r ->> {i})::bigint" : $"r ->> {i}"))
            : string.Join(", ", columns.Select((_, i) => $"value ->> {i}"));
        string from = database == "PostgreSQL"
            ? $"json_array_elements(@{parameter}::json) WITH ORDINALITY AS t(r, n) ORDER BY n"
            : $"json_each(@{parameter}) ORDER BY key";
        return new RowInsert($"INSERT INTO {table} ({names}) SELECT {values} FROM {from};", parameter);
    }
}

/// <summary>The inserts of a step's branches, variables and journal in one database's SQL.</summary>
internal sealed record RowTables(RowInsert Branches, RowInsert Variables)
{
    public static RowTables For(string database) => new(
        RowInsert.For(database, "branches", "branches", "instance_id", "id", "position:bigint", "node_id", "status", "previous_outcome", "wait", "timed_out:bigint"),
        RowInsert.For(database, "variables", "variables", "instance_id", "name", "value"));

    /// <summary>
    /// A stored instance's journal entries as one row chained to its previous row: <c>@journal_instance</c> and
    /// <c>@journal</c> (a JSON array of [node_id, lane, event, outcome, detail, at]) + <paramref name="suffix"/>.
    /// </summary>
    public static string JournalInsert(string database, string suffix) => database == "PostgreSQL"
        ? $"""
          WITH previous AS (SELECT id, journal_seq FROM instances WHERE id = @journal_instance{suffix} FOR UPDATE),
          added AS (INSERT INTO journal_commits (instance_id, previous_seq, entries) SELECT id, journal_seq, @journal{suffix}::json FROM previous RETURNING seq)
          UPDATE instances SET journal_seq = added.seq FROM added WHERE instances.id = @journal_instance{suffix};
          """
        : $"""
          INSERT INTO journal_commits (instance_id, previous_seq, entries) SELECT id, journal_seq, @journal{suffix} FROM instances WHERE id = @journal_instance{suffix};
          UPDATE instances SET journal_seq = last_insert_rowid() WHERE id = @journal_instance{suffix};
          """;
}

/// <summary>Writes rows as a JSON array of arrays of strings, numbers and nulls.</summary>
internal sealed class JsonRowWriter : IDisposable
{
    // Escapes only what JSON requires: the text goes to a database, never into HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Each thread writes through one writer and buffer (cleared after use; dropped when a large write grew it).
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static JsonRowWriter? _kept;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    private readonly Utf8JsonWriter _writer;

    private JsonRowWriter() => _writer = new Utf8JsonWriter(_buffer, Options);

    /// <summary>The rows as JSON, or null when there are none.</summary>
    public static string? Write<T>(IEnumerable<T> rows, Action<JsonRowWriter, T> write)
    {
        JsonRowWriter row = _kept ?? new JsonRowWriter();
        _kept = null; // a write inside write (none today) gets a writer of its own
        Utf8JsonWriter json = row._writer;
        try
        {
            json.WriteStartArray();
            int count = 0;
            foreach (T item in rows)
            {
                json.WriteStartArray();
                write(row, item);
                json.WriteEndArray();
                count++;
            }

            json.WriteEndArray();
            json.Flush();
            return count == 0 ? null : Encoding.UTF8.GetString(row._buffer.WrittenSpan);
        }
        finally
        {
            row._buffer.Clear();
            json.Reset();
            if (row._buffer.Capacity <= KeptBufferBytes)
            {
                _kept = row;
            }
            else
            {
                row.Dispose();
            }
        }
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// A text value or null. A lone surrogate becomes U+FFFD (as UTF-8 stores it), and so does a NUL character, which
    /// PostgreSQL's text cannot hold: both stores keep the same text.
    /// </summary>
    public JsonRowWriter Text(string? value)
    {
        if (value is null)
        {
            _writer.WriteNullValue();
        }
        else
        {
            _writer.WriteStringValue(value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && !value.Contains('\0', StringComparison.Ordinal)
                ? value
                : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)).Replace('\0', '\uFFFD'));
        }

        return this;
    }

    /// <summary>A time, as <see cref="FlowRunner.Engine.Persistence.StoredTime"/> writes it.</summary>
    public JsonRowWriter Time(DateTimeOffset value)
    {
        Span<char> text = stackalloc char[32];
        if (!FlowRunner.Engine.Persistence.StoredTime.TryFormat(value, text, out int written))
        {
            throw new InvalidOperationException("a stored time takes 28 characters");
        }

        _writer.WriteStringValue(text[..written]);
        return this;
    }

    /// <summary>An integer value.</summary>
    public JsonRowWriter Number(long value)
    {
        _writer.WriteNumberValue(value);
        return this;
    }
}
