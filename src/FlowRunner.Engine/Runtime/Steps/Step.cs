using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>
/// One branch running one node, and what a node can do to the instance. The step runs in memory: its journal, outbox
/// and timers are kept here and written with the new state by <see cref="WriteAsync"/>, in the run's transaction.
/// </summary>
internal sealed class Step(
    IInstanceStore store,
    StepBatch batch,
    BoundFlow flow,
    InstanceState state,
    Branch branch,
    FlowNode node,
    ImmutableDictionary<string, JsonElement>? answer,
    TimeProvider time)
{
    private readonly List<JournalEntry> _journal = [];
    private readonly List<(string Kind, JsonElement Payload)> _outbox = [];
    private readonly List<(string BranchId, DateTimeOffset? DueAt)> _timers = [];

    public BoundFlow Flow => flow;

    public InstanceState State => state;

    public Branch Branch => branch;

    public FlowNode Node => node;

    public NodeBinding Binding => flow.For(node.Id);

    /// <summary>The answer to this node's wait, or null on a fresh arrival.</summary>
    public ImmutableDictionary<string, JsonElement>? Answer => answer;

    /// <summary>Journals what happened at the node (a request-scoped run keeps only the order nodes were entered in).</summary>
    public void Journal(string @event, string? outcome, string? detail)
    {
        if (batch.IsDurable)
        {
            _journal.Add(new JournalEntry(state.Id, 0, node.Id, node.Lane, @event, outcome, detail, time.GetUtcNow()));
        }

        if (@event == JournalEvent.Enter)
        {
            batch.Entered(node.Id);
        }
    }

    public void Fault(string code, string message)
    {
        state.Incident = new Incident(code, node.Id, message);
        state.Status = InstanceStatus.Faulted;
    }

    /// <summary>Removes the branch's deadline timer (its wait was answered or has fired).</summary>
    public void ClearTimer() => _timers.Add((branch.Id, null));

    /// <summary>Suspends the branch until an answer (or the deadline) comes; the deadline is the request's or the binding's timeout.</summary>
    public void Wait(WaitRequest request)
    {
        if (!batch.IsDurable)
        {
            Fault(IncidentCode.RequestScope, $"node '{node.Id}' (\"{node.DisplayText}\") would wait for input, and a request-scoped flow cannot wait: bind it to an activity that decides, or make the flow durable");
            return;
        }

        DateTimeOffset? deadline = request.Deadline ?? (Binding.Timeout is { } timeout ? time.GetUtcNow() + timeout : null);
        branch.Status = BranchStatus.Waiting;
        branch.Wait = request with { Deadline = deadline };
        if (deadline is { } due)
        {
            _timers.Add((branch.Id, due));
        }

        batch.ForgetSecrets(state.Id, request.Fields.Where(f => f.Value.IsSecret).Select(f => f.Key)); // asked again: the earlier answer goes
        string detail = request.Choices.IsEmpty ? "fields: " + string.Join(", ", request.Fields.Keys) : "choice: " + string.Join(" | ", request.Choices);
        Journal(JournalEvent.Wait, null, detail);
    }

    /// <summary>
    /// Runs the bound handler with no transaction open (an open one commits first, unless the handler is instant); work
    /// it returns with <see cref="ActivityResult.InCommit"/> runs in the run's transaction (behind a savepoint when one is
    /// open), and its writes commit with this step or roll back alone when it throws or fails (the instance then
    /// faults). Returns what it decided, or null when it waits or faulted.
    /// </summary>
    public async ValueTask<HandlerOutcome?> RunHandlerAsync(IActivityHandler handler, CancellationToken cancellationToken)
    {
        if (batch.IsOpen && !handler.IsInstant)
        {
            await batch.CommitAsync(cancellationToken).ConfigureAwait(false); // no transaction stays open while a handler works
        }

        await using IUnitOfWork reader = store.OpenReadOnly();
        var context = new ActivityContext(state.Id, flow.Graph, node, Binding.Options, answer ?? ImmutableDictionary<string, JsonElement>.Empty,
            answer is not null, branch.PreviousOutcome, state.Variables, time, reader, batch, batch.Request);
        ActivityResult result;
        try
        {
            result = await handler.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (ActivityBusyException e)
        {
            RefuseNow(handler, e);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fault(IncidentCode.ActivityError, $"activity '{handler.Type}' at '{node.Id}' threw {e.GetType().Name}: {e.Message}");
            return null;
        }

        if (result.Kind == ActivityResultKind.Commit)
        {
            // Undoing the work undoes exactly the handler's writes: it runs first in a fresh transaction, or behind a
            // savepoint in the one an earlier instant step left open; the saved steps wait in memory for the commit.
            bool nested = batch.IsOpen;
            IStepTransaction transaction = await batch.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (nested)
            {
                await transaction.SavepointAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                result = await result.Work!(transaction, cancellationToken).ConfigureAwait(false);
            }
            catch (ActivityBusyException e)
            {
                await UndoWorkAsync(transaction, nested, cancellationToken).ConfigureAwait(false);
                RefuseNow(handler, e);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await UndoWorkAsync(transaction, nested, cancellationToken).ConfigureAwait(false);
                Fault(IncidentCode.ActivityError, $"activity '{handler.Type}' at '{node.Id}' threw {e.GetType().Name} in its commit: {e.Message}");
                return null;
            }

            if (result.Kind is ActivityResultKind.Fail or ActivityResultKind.Commit || OutboxRefused(context))
            {
                await UndoWorkAsync(transaction, nested, cancellationToken).ConfigureAwait(false);
            }
            else if (nested)
            {
                await transaction.ReleaseSavepointAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (result.Kind is ActivityResultKind.Fail or ActivityResultKind.Commit)
        {
            string error = result.Kind == ActivityResultKind.Fail ? result.Error! : "its commit work returned more commit work (InCommit inside InCommit)";
            Fault(IncidentCode.ActivityFailed, $"activity '{handler.Type}' at '{node.Id}' failed: {error}");
            return null;
        }

        if (OutboxRefused(context))
        {
            Fault(IncidentCode.RequestScope, $"activity '{handler.Type}' at '{node.Id}' wrote to the outbox, which only a durable flow keeps: make the flow durable");
            return null;
        }

        _outbox.AddRange(context.Outbox);
        if (result.Kind == ActivityResultKind.Wait)
        {
            Wait(result.Wait!);
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
            batch.Deliver(key, value); // to this caller only, once the step commits; never saved
        }

        return new HandlerOutcome(result.Outcome);
    }

    // Rolls back a handler's commit work: to its savepoint, or the whole transaction when the work opened it.
    private Task UndoWorkAsync(IStepTransaction transaction, bool nested, CancellationToken cancellationToken) =>
        nested ? transaction.RollbackToSavepointAsync(cancellationToken) : batch.RollbackAsync();

    // Only a durable flow keeps outbox messages: a request-scoped run refuses them rather than lose them.
    private bool OutboxRefused(ActivityContext context) => !batch.IsDurable && context.Outbox.Count > 0;

    /// <summary>A handler that cannot take the request now: the instance faults, and the caller is told to retry.</summary>
    private void RefuseNow(IActivityHandler handler, ActivityBusyException refusal)
    {
        batch.Busy = refusal;
        Fault(IncidentCode.Busy, $"activity '{handler.Type}' at '{node.Id}' cannot take it now: {refusal.Message}");
    }

    /// <summary>Writes what the step kept in memory (journal, outbox, timers) into the commit's transaction.</summary>
    public async Task WriteAsync(IStepTransaction transaction, CancellationToken cancellationToken)
    {
        foreach ((string branchId, DateTimeOffset? dueAt) in _timers)
        {
            await (dueAt is { } due
                ? transaction.SetTimerAsync(state.Id, branchId, due, cancellationToken)
                : transaction.ClearTimerAsync(state.Id, branchId, cancellationToken)).ConfigureAwait(false);
        }

        foreach ((string kind, JsonElement payload) in _outbox)
        {
            await transaction.AddOutboxAsync(state.Id, kind, payload, cancellationToken).ConfigureAwait(false);
        }

        foreach (JournalEntry entry in _journal)
        {
            await transaction.AppendJournalAsync(entry, cancellationToken).ConfigureAwait(false);
        }
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
        ImmutableArray<FlowEdge> exits = node.Outgoing;
        if (exits.IsEmpty)
        {
            state.Branches.Remove(branch);
            return;
        }

        // One branch per distinct target, in edge order: this branch takes the first target, new branches the others.
        for (int i = 1; i < exits.Length; i++)
        {
            string target = exits[i].To;
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
            {
                seen = exits[j].To == target;
            }

            if (!seen)
            {
                state.Branches.Add(new Branch { Id = state.NewBranchId(), NodeId = target, Status = BranchStatus.Ready, PreviousOutcome = outcome });
            }
        }

        Follow(exits[0].To, outcome);
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
