using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Engine.Activities;

/// <summary>
/// Secret answer fields (passwords, codes) kept in memory only, per instance, so a handler a few steps after
/// the wait can use them while nothing secret is ever written to the database. They live until the instance
/// ends, the wait that asked for them is entered again, or their lifetime passes (a sweep drops them every
/// minute); at most <c>capacity</c> instances hold secrets, the soonest to expire going first. After a restart
/// they are gone: handlers treat a missing secret as "ask again".
/// </summary>
internal sealed class TransientSecrets
{
    private readonly ConcurrentDictionary<string, (ImmutableDictionary<string, JsonElement> Values, DateTimeOffset Expires)> _byInstance = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly int _capacity;

    public TransientSecrets(TimeProvider time, TimeSpan? lifetime = null, int capacity = 100_000)
    {
        _time = time;
        _lifetime = lifetime ?? TimeSpan.FromMinutes(10);
        _capacity = capacity;
        // The timer holds this object weakly: a runtime that is dropped takes its secrets with it.
        var self = new WeakReference<TransientSecrets>(this);
        ITimer? sweep = null;
        sweep = time.CreateTimer(
            _ =>
            {
                if (self.TryGetTarget(out TransientSecrets? secrets))
                {
                    secrets.Sweep();
                }
                else
                {
                    sweep?.Dispose();
                }
            },
            null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>How many instances hold secrets now.</summary>
    public int Count => _byInstance.Count;

    /// <summary>Adds values for an instance (replacing same-named ones).</summary>
    public void Put(string instanceId, IEnumerable<KeyValuePair<string, JsonElement>> values)
    {
        DateTimeOffset expires = _time.GetUtcNow() + _lifetime;
        _byInstance.AddOrUpdate(
            instanceId,
            _ => (ImmutableDictionary.CreateRange(StringComparer.Ordinal, values.Select(v => KeyValuePair.Create(v.Key, v.Value.Clone()))), expires),
            (_, existing) => (existing.Values.SetItems(values.Select(v => KeyValuePair.Create(v.Key, v.Value.Clone()))), expires));
        if (_byInstance.Count > _capacity)
        {
            Sweep();
            foreach (string oldest in _byInstance.OrderBy(e => e.Value.Expires).Take(_byInstance.Count - _capacity).Select(e => e.Key).ToList())
            {
                _byInstance.TryRemove(oldest, out _);
            }
        }
    }

    /// <summary>A value, or null when it was never given, has expired, or was lost in a restart.</summary>
    public JsonElement? Get(string instanceId, string name)
    {
        if (!_byInstance.TryGetValue(instanceId, out var entry))
        {
            return null;
        }

        if (entry.Expires < _time.GetUtcNow())
        {
            _byInstance.TryRemove(instanceId, out _);
            return null;
        }

        return entry.Values.TryGetValue(name, out JsonElement value) ? value : null;
    }

    /// <summary>Forgets some values of an instance (a wait asking for them again).</summary>
    public void Remove(string instanceId, IEnumerable<string> names)
    {
        if (_byInstance.TryGetValue(instanceId, out var entry))
        {
            ImmutableDictionary<string, JsonElement> left = entry.Values.RemoveRange(names);
            if (left.IsEmpty)
            {
                _byInstance.TryRemove(instanceId, out _);
            }
            else
            {
                _byInstance[instanceId] = (left, entry.Expires);
            }
        }
    }

    /// <summary>Forgets everything held for an instance.</summary>
    public void Clear(string instanceId) => _byInstance.TryRemove(instanceId, out _);

    /// <summary>Drops every expired entry.</summary>
    public void Sweep()
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach ((string instanceId, var entry) in _byInstance)
        {
            if (entry.Expires < now)
            {
                _byInstance.TryRemove(instanceId, out _);
            }
        }
    }
}
