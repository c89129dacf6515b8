using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Telemetry;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>
/// What a run has saved and not yet committed, and its write transaction. Saved steps wait in memory (the instance's
/// latest state and, in order, what the steps wrote); the transaction opens only to commit them or to run a handler's
/// commit work, and an open one commits before any handler runs, so no transaction is open while handlers work. The
/// commit is guarded by the version the instance had when the first of its steps was read. What a step hands out
/// (secret outputs for the caller, secrets kept for later nodes) is published once that step has committed.
/// A request-scoped run (<see cref="Request"/> set) keeps the instance in memory: its commits carry only the handlers'
/// own work, never the instance, its journal or timers.
/// </summary>
internal sealed class StepBatch(IInstanceStore store, TransientSecrets secrets, Dictionary<string, JsonElement>? delivered) : IRunSecrets, IAsyncDisposable
{
    private readonly HandOut _running = new();
    private readonly HandOut _saved = new();
    private readonly List<Func<IStepTransaction, CancellationToken, Task>> _writes = [];
    private readonly List<System.Diagnostics.Activity> _runningSpans = [];
    private readonly List<System.Diagnostics.Activity> _savedSpans = [];
    private IStepTransaction? _transaction;
    private InstanceState? _state;
    private int _storedVersion;

    /// <summary>The live request of a request-scoped run, handed to its handlers; null for a durable run.</summary>
    public object? Request { get; init; }

    /// <summary>The nodes this run's committed steps entered, in order (a durable run journals them too).</summary>
    public List<string> Path { get; } = [];

    /// <summary>True once the run dropped steps to go on from what another caller saved: <see cref="Path"/> is then not the whole story.</summary>
    public bool WentOnFromOthers { get; set; }

    /// <summary>True unless the run is request-scoped.</summary>
    public bool IsDurable => Request is null;

    /// <summary>The refusal of a busy handler in this run, thrown to the caller once the run has committed.</summary>
    public ActivityBusyException? Busy { get; set; }

    /// <summary>Steps saved and not yet committed.</summary>
    public int Steps { get; private set; }

    /// <summary>True once this batch has committed something: the caller's first step is then stored.</summary>
    public bool HasCommitted { get; private set; }

    /// <summary>True while the write transaction is open.</summary>
    public bool IsOpen => _transaction is not null;

    /// <summary>The write transaction, opened (taking the write lock) if none is.</summary>
    public async ValueTask<IStepTransaction> OpenAsync(CancellationToken cancellationToken) =>
        _transaction ??= await store.BeginStepAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Rolls back the open transaction (a handler's commit work that threw or failed); saved steps wait for the next commit.</summary>
    public async Task RollbackAsync()
    {
        if (_transaction is { } transaction)
        {
            _transaction = null;
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A new instance: inserted by the commit.</summary>
    public void Insert(InstanceState state)
    {
        _state = state;
        _storedVersion = -1;
    }

    /// <summary>A write for the commit (journal, outbox, timers), in the order given, before the instance's state is saved.</summary>
    public void Write(Func<IStepTransaction, CancellationToken, Task> write)
    {
        if (IsDurable)
        {
            _writes.Add(write);
        }
    }

    /// <summary>
    /// The running step was saved: the instance (read at <paramref name="loadedVersion"/>) moves one version on, and what
    /// the step handed out waits for the commit with it.
    /// </summary>
    public void Saved(InstanceState state, int loadedVersion)
    {
        if (_state is null)
        {
            _state = state;
            _storedVersion = loadedVersion;
        }

        state.Version = loadedVersion + 1;
        _running.MoveTo(_saved);
        _savedSpans.AddRange(_runningSpans);
        _runningSpans.Clear();
        Steps++;
    }

    /// <summary>The running step's node span: exported if the step commits, dropped if it is discarded.</summary>
    public void Track(System.Diagnostics.Activity? span)
    {
        if (span is not null)
        {
            _runningSpans.Add(span);
        }
    }

    /// <summary>Commits the saved steps and the open transaction's work, if any, and publishes what they handed out.</summary>
    /// <exception cref="ConcurrencyException">Another caller saved the instance first: nothing of the batch is kept.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null && _state is null && _writes.Count == 0)
        {
            return;
        }

        try
        {
            if (IsDurable || _transaction is not null)
            {
                // The writes go first: the store keeps their journal entries and writes them with the instance's
                // state, in one command (a lost race rolls all of it back).
                IStepTransaction transaction = await OpenAsync(cancellationToken).ConfigureAwait(false);
                foreach (Func<IStepTransaction, CancellationToken, Task> write in _writes)
                {
                    await write(transaction, cancellationToken).ConfigureAwait(false);
                }

                if (_state is { } state && IsDurable)
                {
                    await (_storedVersion < 0
                        ? transaction.InsertAsync(state, cancellationToken)
                        : transaction.SaveAsync(state, _storedVersion, cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await AbandonAsync().ConfigureAwait(false);
            throw;
        }

        await CloseAsync().ConfigureAwait(false);
        HasCommitted = true;
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

        Path.AddRange(_saved.Entered);
        _saved.Clear();
        FlowTelemetry.Committed(_savedSpans);
    }

    /// <summary>Rolls back the open transaction and forgets the saved steps and what they and the running one handed out.</summary>
    public async Task AbandonAsync()
    {
        _running.Clear();
        _saved.Clear();
        FlowTelemetry.Discarded(_savedSpans);
        FlowTelemetry.Discarded(_runningSpans);
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>The running step entered its node: part of <see cref="Path"/> once the step commits.</summary>
    public void Entered(string nodeId) => _running.Entered.Add(nodeId);

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

    private async Task CloseAsync()
    {
        _state = null;
        _writes.Clear();
        Steps = 0;
        await RollbackAsync().ConfigureAwait(false);
    }

    private sealed class HandOut
    {
        public Dictionary<string, JsonElement> Outputs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, JsonElement>> Secrets { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> Forgotten { get; } = new(StringComparer.Ordinal);

        public List<string> Entered { get; } = [];

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

            other.Entered.AddRange(Entered);
            Clear();
        }

        public void Clear()
        {
            Outputs.Clear();
            Secrets.Clear();
            Forgotten.Clear();
            Entered.Clear();
        }
    }
}
