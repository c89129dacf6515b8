using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>
/// A node's attributes as a read-only dictionary over its syntax (the last value of a repeated key wins).
/// Nodes have one to four attributes, so a linear search beats hashing and allocates nothing per node.
/// </summary>
internal sealed class AttributeMap(ImmutableArray<AttributeSyntax> attributes) : IReadOnlyDictionary<string, string>
{
    public int Count => Keys.Count();

    public IEnumerable<string> Keys => attributes.Select(a => a.Key.Text).Distinct(StringComparer.Ordinal);

    public IEnumerable<string> Values => Keys.Select(k => this[k]);

    public string this[string key] => TryGetValue(key, out string? value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (int i = attributes.Length - 1; i >= 0; i--)
        {
            if (attributes[i].Key.Text == key)
            {
                value = attributes[i].Value.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
        Keys.Select(k => new KeyValuePair<string, string>(k, this[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
