using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using FlowRunner.Language.Text;

namespace FlowRunner.Hosting.Routes;

/// <summary>
/// A JSON value with the place it was written, so a configuration file's mistakes are reported at their line and
/// column. Comments and trailing commas are allowed, as in the bindings files.
/// </summary>
internal sealed class SpannedJson
{
    private SpannedJson(JsonElement value, TextSpan span, ImmutableArray<SpannedProperty> properties, ImmutableArray<SpannedJson> items)
    {
        Value = value;
        Span = span;
        Properties = properties;
        Items = items;
    }

    /// <summary>The value itself.</summary>
    public JsonElement Value { get; }

    public JsonValueKind Kind => Value.ValueKind;

    /// <summary>Where the value is written, in characters.</summary>
    public TextSpan Span { get; }

    /// <summary>An object's properties, in the order written.</summary>
    public ImmutableArray<SpannedProperty> Properties { get; }

    /// <summary>An array's items.</summary>
    public ImmutableArray<SpannedJson> Items { get; }

    /// <summary>The property with this name, or null.</summary>
    public SpannedProperty? Property(string name) => Properties.FirstOrDefault(p => p.Name == name);

    /// <summary>Reads a whole text.</summary>
    /// <exception cref="JsonException">The text is not JSON; <see cref="JsonException.LineNumber"/> says where.</exception>
    public static SpannedJson Parse(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!reader.Read())
        {
            throw new JsonException("the file is empty", null, 0, 0);
        }

        var offsets = new CharOffsets(utf8);
        SpannedJson root = Read(ref reader, utf8, offsets);
        if (reader.Read())
        {
            throw new JsonException("the file holds more than one JSON value", null, 0, 0);
        }

        return root;
    }

    private static SpannedJson Read(ref Utf8JsonReader reader, byte[] utf8, CharOffsets offsets)
    {
        int start = (int)reader.TokenStartIndex;
        ImmutableArray<SpannedProperty> properties = [];
        ImmutableArray<SpannedJson> items = [];
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            var list = ImmutableArray.CreateBuilder<SpannedProperty>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                var nameSpan = TextSpan.FromBounds(offsets.Of((int)reader.TokenStartIndex), offsets.Of((int)reader.BytesConsumed));
                reader.Read();
                list.Add(new SpannedProperty(name, nameSpan, Read(ref reader, utf8, offsets)));
            }

            properties = list.ToImmutable();
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            var list = ImmutableArray.CreateBuilder<SpannedJson>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(Read(ref reader, utf8, offsets));
            }

            items = list.ToImmutable();
        }

        int end = (int)reader.BytesConsumed;
        using JsonDocument document = JsonDocument.Parse(utf8.AsMemory(start, end - start), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return new SpannedJson(document.RootElement.Clone(), TextSpan.FromBounds(offsets.Of(start), offsets.Of(end)), properties, items);
    }

    /// <summary>Turns UTF-8 byte offsets into character offsets of the text.</summary>
    private sealed class CharOffsets
    {
        private readonly int[] _chars;

        public CharOffsets(byte[] utf8)
        {
            _chars = new int[utf8.Length + 1];
            int chars = 0;
            for (int i = 0; i < utf8.Length; i++)
            {
                _chars[i] = chars;
                byte b = utf8[i];
                chars += (b & 0xC0) == 0x80 ? 0 : b >= 0xF0 ? 2 : 1; // continuation bytes add nothing; 4-byte sequences are two UTF-16 units
            }

            _chars[utf8.Length] = chars;
        }

        public int Of(int byteOffset) => _chars[Math.Clamp(byteOffset, 0, _chars.Length - 1)];
    }
}

/// <summary>An object's property with the place of its name.</summary>
internal sealed record SpannedProperty(string Name, TextSpan NameSpan, SpannedJson Value);
