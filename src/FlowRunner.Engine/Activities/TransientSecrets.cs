using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Engine.Activities;

/// <summary>
/// Secret answer fields (passwords, codes) kept in memory only, per instance, so a handler a few steps after
/// the wait can use them while nothing secret is ever written to the database. They live until the instance
/// ends or a deadline passes, and are gone after a restart: handlers treat a missing secret as "ask again".
/// </summary>
internal sealed class TransientSecrets(TimeProvider time, TimeSpan? lifetime = null)
{
    private readonly ConcurrentDictionary<string, (ImmutableDictionary<string, JsonElement> Values, DateTimeOffset Expires)> _byInstance = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime = lifetime ?? TimeSpan.FromMinutes(10);

    /// <summary>Adds values for an instance (replacing same-named ones).</summary>
    public void Put(string instanceId, IEnumerable<KeyValuePair<string, JsonElement>> values)
    {
        DateTimeOffset expires = time.GetUtcNow() + _lifetime;
        _byInstance.AddOrUpdate(
            instanceId,
            _ => (ImmutableDictionary.CreateRange(StringComparer.Ordinal, values.Select(v => KeyValuePair.Create(v.Key, v.Value.Clone()))), expires),
            (_, existing) => (existing.Values.SetItems(values.Select(v => KeyValuePair.Create(v.Key, v.Value.Clone()))), expires));
    }

    /// <summary>A value, or null when it was never given, has expired, or was lost in a restart.</summary>
    public JsonElement? Get(string instanceId, string name)
    {
        if (!_byInstance.TryGetValue(instanceId, out var entry))
        {
            return null;
        }

        if (entry.Expires < time.GetUtcNow())
        {
            _byInstance.TryRemove(instanceId, out _);
            return null;
        }

        return entry.Values.TryGetValue(name, out JsonElement value) ? value : null;
    }

    /// <summary>Forgets everything held for an instance.</summary>
    public void Clear(string instanceId) => _byInstance.TryRemove(instanceId, out _);
}
