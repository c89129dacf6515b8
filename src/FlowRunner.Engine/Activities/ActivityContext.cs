using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Activities;

/// <summary>What a handler sees of the run: the node, its options, the answer to its wait, variables, time and data.</summary>
public sealed class ActivityContext
{
    private readonly Dictionary<string, JsonElement> _variables;
    private readonly List<(string Kind, JsonElement Payload)> _outbox = [];
    private readonly IRunSecrets _secrets;

    internal ActivityContext(
        string instanceId,
        FlowGraph graph,
        FlowNode node,
        JsonElement options,
        ImmutableDictionary<string, JsonElement> input,
        bool isResumed,
        string? previousOutcome,
        Dictionary<string, JsonElement> variables,
        TimeProvider time,
        IUnitOfWork data,
        IRunSecrets secrets,
        object? request = null)
    {
        Request = request;
        _secrets = secrets;
        InstanceId = instanceId;
        Graph = graph;
        Node = node;
        Options = options;
        Input = input;
        IsResumed = isResumed;
        PreviousOutcome = previousOutcome;
        _variables = variables;
        Time = time;
        Data = data;
    }

    /// <summary>The instance being run.</summary>
    public string InstanceId { get; }

    /// <summary>The flow being run.</summary>
    public FlowGraph Graph { get; }

    /// <summary>The node being run.</summary>
    public FlowNode Node { get; }

    /// <summary>The node's options from the bindings file (an empty object when none).</summary>
    public JsonElement Options { get; }

    /// <summary>The answer to this node's wait; empty on first entry.</summary>
    public ImmutableDictionary<string, JsonElement> Input { get; }

    /// <summary>True when the node runs again because its wait was answered.</summary>
    public bool IsResumed { get; }

    /// <summary>The outcome of the activity that ran before this node on this branch, if any.</summary>
    public string? PreviousOutcome { get; }

    /// <summary>The clock; tests control it.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// The database, read-only and outside any transaction: what the handler reads before it decides. Writes through it
    /// fail; a handler writes in <see cref="ActivityResult.InCommit"/>, inside the step's commit.
    /// </summary>
    public IUnitOfWork Data { get; }

    /// <summary>
    /// The live request a request-scoped run serves (for example a gateway call with its envelope and the answer it
    /// builds); null in a durable run. Handlers made for request-scoped flows cast it to the type their host passes.
    /// </summary>
    public object? Request { get; }

    /// <summary>The instance's variables as this step sees them.</summary>
    public IReadOnlyDictionary<string, JsonElement> Variables => _variables;

    internal IReadOnlyList<(string Kind, JsonElement Payload)> Outbox => _outbox;

    /// <summary>
    /// A secret answered at an earlier wait of this instance (a password, a code), held in memory only; null when
    /// it was never given or is gone (a restart, or its lifetime passed): then ask for it again.
    /// </summary>
    public string? Secret(string name) => _secrets.Secret(InstanceId, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>Keeps a secret for later nodes of this instance, in memory only (e.g. backup codes until they are shown).</summary>
    public void KeepSecret(string name, JsonElement value) => _secrets.KeepSecrets(InstanceId, [KeyValuePair.Create(name, value)]);

    /// <summary>Sets a variable; it is saved with the step.</summary>
    public void SetVariable(string name, JsonElement value) => _variables[name] = value.Clone();

    /// <summary>Queues a message for an edge the engine cannot reach itself (email, SMS): written to the outbox with the step.</summary>
    public void Emit(string kind, JsonElement payload) => _outbox.Add((kind, payload.Clone()));
}
