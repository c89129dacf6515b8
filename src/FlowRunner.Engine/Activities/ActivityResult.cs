using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Engine.Activities;

/// <summary>What a handler decided. Built only through the named factories.</summary>
public sealed record ActivityResult
{
    private ActivityResult(ActivityResultKind kind) => Kind = kind;

    /// <summary>Completed, waiting, or failed.</summary>
    public ActivityResultKind Kind { get; }

    /// <summary>The outcome a following decision matches against its exit labels; null for plain completion.</summary>
    public string? Outcome { get; private init; }

    /// <summary>Values delivered to the caller (e.g. an access token), merged into the instance's outputs; a null value removes one.</summary>
    public ImmutableDictionary<string, JsonElement> Outputs { get; private init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>
    /// Values delivered only to the caller whose start or resume ran this step (tokens, codes shown once): never
    /// stored in the database or the journal. A caller that is gone misses them, by design.
    /// </summary>
    public ImmutableDictionary<string, JsonElement> SecretOutputs { get; private init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>What the handler waits for, when <see cref="Kind"/> is <see cref="ActivityResultKind.Wait"/>.</summary>
    public WaitRequest? Wait { get; private init; }

    /// <summary>The error, when <see cref="Kind"/> is <see cref="ActivityResultKind.Fail"/>.</summary>
    public string? Error { get; private init; }

    /// <summary>The work that finishes the node inside the step's commit, when <see cref="Kind"/> is <see cref="ActivityResultKind.Commit"/>.</summary>
    public Func<IUnitOfWork, CancellationToken, ValueTask<ActivityResult>>? Work { get; private init; }

    /// <summary>Completed without an outcome.</summary>
    public static ActivityResult Done(ImmutableDictionary<string, JsonElement>? outputs = null, ImmutableDictionary<string, JsonElement>? secretOutputs = null) =>
        new(ActivityResultKind.Completed)
        {
            Outputs = outputs ?? ImmutableDictionary<string, JsonElement>.Empty,
            SecretOutputs = secretOutputs ?? ImmutableDictionary<string, JsonElement>.Empty,
        };

    /// <summary>Completed with an outcome for the next decision.</summary>
    public static ActivityResult WithOutcome(string outcome, ImmutableDictionary<string, JsonElement>? outputs = null) =>
        new(ActivityResultKind.Completed) { Outcome = outcome, Outputs = outputs ?? ImmutableDictionary<string, JsonElement>.Empty };

    /// <summary>Suspends until input arrives; the engine saves the run and calls the handler again with the input.</summary>
    public static ActivityResult WaitFor(WaitRequest request) => new(ActivityResultKind.Wait) { Wait = request };

    /// <summary>Faults the instance with an incident naming the node and this error.</summary>
    public static ActivityResult Fail(string error) => new(ActivityResultKind.Fail) { Error = error };

    /// <summary>
    /// Finishes the node inside the step's commit: <paramref name="work"/> reads and writes the database in the same short
    /// transaction that saves the instance's new state and journal, and decides the node's result. It holds the write lock
    /// while it runs, so it does database work only; hashing, network calls and anything slow belong before it, in
    /// <see cref="IActivityHandler.ExecuteAsync"/>. If the commit is discarded (another caller moved the instance on), its
    /// writes roll back with it and the step runs again.
    /// </summary>
    public static ActivityResult InCommit(Func<IUnitOfWork, CancellationToken, ValueTask<ActivityResult>> work) =>
        new(ActivityResultKind.Commit) { Work = work };
}
