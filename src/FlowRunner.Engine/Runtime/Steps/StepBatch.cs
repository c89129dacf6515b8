using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>
/// The write transaction of a run: opened only when a step saves (or a handler's commit work runs), and committed before
/// any handler runs, so no transaction is open while handlers work. What a step hands out (secret outputs for the caller,
/// secrets kept for later nodes) is published only once that step has committed; a discarded step hands out nothing.
/// </summary>
internal sealed class StepBatch(IInstanceStore store, TransientSecrets secrets, Dictionary<string, JsonElement>? delivered) : IRunSecrets, IAsyncDisposable
{
    private readonly HandOut _running = new();
    private readonly HandOut _saved = new();
    private IStepTransaction? _transaction;

    /// <summary>The refusal of a busy handler in this run, thrown to the caller once the run has committed.</summary>
    public ActivityBusyException? Busy { get; set; }

    /// <summary>Steps saved in the open transaction.</summary>
    public int Steps { get; private set; }

    /// <summary>The open transaction, opened (taking the write lock) if none is.</summary>
    public async Task<IStepTransaction> OpenAsync(CancellationToken cancellationToken) =>
        _transaction ??= await store.BeginStepAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The running step was saved in the open transaction: what it handed out goes with it.</summary>
    public void Saved()
    {
        _running.MoveTo(_saved);
        Steps++;
    }

    /// <summary>Commits the saved steps, if any, and publishes what they handed out.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not { } transaction)
        {
            return;
        }

        _transaction = null;
        Steps = 0;
        try
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }

        foreach ((string key, JsonElement value) in _saved.Outputs)
        {
            delivered?[key] = value;
        }

        foreach ((string instanceId, HashSet<string> names) in _saved.Forgotten)
        {
            secrets.Remove(instanceId, names);
        }

        foreach ((string instanceId, Dictionary<string, JsonElement> values) in _saved.Secrets)
        {
            secrets.Put(instanceId, values);
        }

        _saved.Clear();
    }

    /// <summary>Rolls back the open transaction and forgets what its steps and the running one handed out.</summary>
    public async Task AbandonAsync()
    {
        _running.Clear();
        _saved.Clear();
        Steps = 0;
        if (_transaction is { } transaction)
        {
            _transaction = null;
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A secret output for the caller, delivered once the step commits.</summary>
    public void Deliver(string key, JsonElement value) => _running.Outputs[key] = value;

    /// <summary>Keeps secrets of an instance for its later nodes once the step commits; this run's nodes see them at once.</summary>
    public void KeepSecrets(string instanceId, IEnumerable<KeyValuePair<string, JsonElement>> values) => _running.Keep(instanceId, values);

    /// <summary>A wait asks for these secrets again: the earlier answers are forgotten once the step commits.</summary>
    public void ForgetSecrets(string instanceId, IEnumerable<string> names) => _running.Forget(instanceId, names);

    /// <summary>A secret of the instance: this run's own first, then those kept by earlier runs.</summary>
    public JsonElement? Secret(string instanceId, string name) =>
        _running.Find(instanceId, name) ?? _saved.Find(instanceId, name) ?? secrets.Get(instanceId, name);

    public ValueTask DisposeAsync() => new(AbandonAsync());

    private sealed class HandOut
    {
        public Dictionary<string, JsonElement> Outputs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, JsonElement>> Secrets { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> Forgotten { get; } = new(StringComparer.Ordinal);

        public void Forget(string instanceId, IEnumerable<string> names)
        {
            if (!Forgotten.TryGetValue(instanceId, out HashSet<string>? forgotten))
            {
                Forgotten[instanceId] = forgotten = new(StringComparer.Ordinal);
            }

            foreach (string name in names)
            {
                forgotten.Add(name);
                if (Secrets.TryGetValue(instanceId, out Dictionary<string, JsonElement>? held))
                {
                    held.Remove(name);
                }
            }
        }

        public void Keep(string instanceId, IEnumerable<KeyValuePair<string, JsonElement>> values)
        {
            if (!Secrets.TryGetValue(instanceId, out Dictionary<string, JsonElement>? held))
            {
                Secrets[instanceId] = held = new(StringComparer.Ordinal);
            }

            foreach ((string key, JsonElement value) in values)
            {
                held[key] = value.Clone();
            }
        }

        public JsonElement? Find(string instanceId, string name) =>
            Secrets.TryGetValue(instanceId, out Dictionary<string, JsonElement>? held) && held.TryGetValue(name, out JsonElement value) ? value : null;

        public void MoveTo(HandOut other)
        {
            foreach ((string key, JsonElement value) in Outputs)
            {
                other.Outputs[key] = value;
            }

            foreach ((string instanceId, HashSet<string> names) in Forgotten)
            {
                other.Forget(instanceId, names);
            }

            foreach ((string instanceId, Dictionary<string, JsonElement> values) in Secrets)
            {
                other.Keep(instanceId, values);
            }

            Clear();
        }

        public void Clear()
        {
            Outputs.Clear();
            Secrets.Clear();
            Forgotten.Clear();
        }
    }
}
