using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>One branch running one node inside a step's transaction, and what a node can do to the instance.</summary>
internal sealed class Step(
    IStepTransaction transaction,
    BoundFlow flow,
    InstanceState state,
    Branch branch,
    FlowNode node,
    ImmutableDictionary<string, JsonElement>? answer,
    Dictionary<string, JsonElement>? delivered,
    TimeProvider time,
    TransientSecrets secrets)
{
    private const string HandlerSavepoint = "handler";

    public BoundFlow Flow => flow;

    public InstanceState State => state;

    public Branch Branch => branch;

    public FlowNode Node => node;

    public NodeBinding Binding => flow.For(node.Id);

    /// <summary>The answer to this node's wait, or null on a fresh arrival.</summary>
    public ImmutableDictionary<string, JsonElement>? Answer => answer;

    public Task JournalAsync(string @event, string? outcome, string? detail, CancellationToken cancellationToken) =>
        transaction.AppendJournalAsync(new JournalEntry(state.Id, 0, node.Id, node.Lane, @event, outcome, detail, time.GetUtcNow()), cancellationToken);

    public void Fault(string code, string message)
    {
        state.Incident = new Incident(code, node.Id, message);
        state.Status = InstanceStatus.Faulted;
    }

    /// <summary>Suspends the branch until an answer (or the deadline) comes; the deadline is the request's or the binding's timeout.</summary>
    public async Task WaitAsync(WaitRequest request, CancellationToken cancellationToken)
    {
        DateTimeOffset? deadline = request.Deadline ?? (Binding.Timeout is { } timeout ? time.GetUtcNow() + timeout : null);
        branch.Status = BranchStatus.Waiting;
        branch.Wait = request with { Deadline = deadline };
        if (deadline is { } due)
        {
            await transaction.SetTimerAsync(state.Id, branch.Id, due, cancellationToken).ConfigureAwait(false);
        }

        string detail = request.Choices.IsEmpty ? "fields: " + string.Join(", ", request.Fields.Keys) : "choice: " + string.Join(" | ", request.Choices);
        await JournalAsync(JournalEvent.Wait, null, detail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the bound handler; its own writes commit with the step, or roll back when it throws or fails (the instance
    /// then faults). Returns what it decided, or null when it waits or faulted.
    /// </summary>
    public async Task<HandlerOutcome?> RunHandlerAsync(IActivityHandler handler, CancellationToken cancellationToken)
    {
        var context = new ActivityContext(state.Id, flow.Graph, node, Binding.Options, answer ?? ImmutableDictionary<string, JsonElement>.Empty,
            answer is not null, branch.PreviousOutcome, state.Variables, time, transaction, secrets);
        ActivityResult result;
        await transaction.SavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
        try
        {
            result = await handler.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await transaction.RollbackToSavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
            Fault(IncidentCode.ActivityError, $"activity '{handler.Type}' at '{node.Id}' threw {e.GetType().Name}: {e.Message}");
            return null;
        }

        if (result.Kind == ActivityResultKind.Fail)
        {
            await transaction.RollbackToSavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
            Fault(IncidentCode.ActivityFailed, $"activity '{handler.Type}' at '{node.Id}' failed: {result.Error}");
            return null;
        }

        await transaction.ReleaseSavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
        foreach ((string kind, JsonElement payload) in context.Outbox)
        {
            await transaction.AddOutboxAsync(state.Id, kind, payload, cancellationToken).ConfigureAwait(false);
        }

        if (result.Kind == ActivityResultKind.Wait)
        {
            await WaitAsync(result.Wait!, cancellationToken).ConfigureAwait(false);
            return null;
        }

        foreach ((string key, JsonElement value) in result.Outputs)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                state.Outputs.Remove(key); // a null output withdraws an earlier one (e.g. an error after a retry succeeds)
            }
            else
            {
                state.Outputs[key] = value;
            }
        }

        foreach ((string key, JsonElement value) in result.SecretOutputs)
        {
            if (delivered is not null)
            {
                delivered[key] = value; // to this caller only; never saved
            }
        }

        return new HandlerOutcome(result.Outcome);
    }

    /// <summary>A manual task's answer: its outcome, if it chose one; its other fields become variables, secret fields never do.</summary>
    public string? TakeAnswer()
    {
        ImmutableDictionary<string, JsonElement> given = answer!;
        foreach ((string key, JsonElement value) in given)
        {
            if (key != "outcome" && !(Binding.Input.GetValueOrDefault(key)?.IsSecret ?? false))
            {
                state.Variables[key] = value;
            }
        }

        return given.TryGetValue("outcome", out JsonElement chosen) && chosen.ValueKind == JsonValueKind.String ? chosen.GetString() : null;
    }

    /// <summary>After a non-decision: no exit ends the branch, one exit moves it, several fork parallel branches.</summary>
    public void MoveOn(string? outcome)
    {
        string[] targets = [.. node.Outgoing.Select(e => e.To).Distinct(StringComparer.Ordinal)];
        if (targets.Length == 0)
        {
            state.Branches.Remove(branch);
            return;
        }

        for (int i = 1; i < targets.Length; i++)
        {
            state.Branches.Add(new Branch { Id = state.NewBranchId(), NodeId = targets[i], Status = BranchStatus.Ready, PreviousOutcome = outcome });
        }

        Follow(targets[0], outcome);
    }

    /// <summary>Moves the branch along one edge.</summary>
    public void Follow(string target, string? outcome)
    {
        branch.NodeId = target;
        branch.Status = BranchStatus.Ready;
        branch.PreviousOutcome = outcome;
    }

    /// <summary>Ends this branch.</summary>
    public void EndBranch() => state.Branches.Remove(branch);
}

/// <summary>What a handler decided when it completed: its outcome, if any.</summary>
internal sealed record HandlerOutcome(string? Outcome);
