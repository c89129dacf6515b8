using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Graph;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime;

/// <summary>One step: run one ready branch's node (product design §4, written down in flows/README.md).</summary>
public sealed partial class FlowRuntime
{
    private const string HandlerSavepoint = "handler";
    private static readonly string[] TimeoutLabels = ["timeout", "timed out", "expired", "deadline"];

    /// <summary>
    /// Runs one step inside <paramref name="tx"/> and saves it there without committing; returns the instance's
    /// state after the step, or null when nothing was ready. <paramref name="carried"/> is the state the previous
    /// step saved in this same transaction: it is what a load would read, so it is not read again.
    /// </summary>
    private async Task<InstanceState?> StepAsync(IStepTransaction tx, string instanceId, InstanceState? carried, Dictionary<string, JsonElement>? delivered, CancellationToken cancellationToken)
    {
        InstanceState? state = carried ?? await tx.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        Branch? branch = state?.Branches.FirstOrDefault(b => b.Status == BranchStatus.Ready);
        if (state is null || branch is null || state.Status is InstanceStatus.Completed or InstanceStatus.Faulted)
        {
            return null;
        }

        int loaded = state.Version;
        BoundFlow? flow = await flows.ResolveAsync(state.FlowName, state.FlowHash, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            Fault(state, new Incident("missing-version", branch.NodeId, $"flow '{state.FlowName}' version {state.FlowHash[..12]} is not stored; it cannot run"));
        }
        else
        {
            await RunBranchAsync(tx, flow, state, branch, delivered, cancellationToken).ConfigureAwait(false);
        }

        await SaveStepAsync(tx, flow, state, loaded, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// Runs the instance's ready steps after the step already saved in <paramref name="first"/> (which the caller
    /// owns and disposes), until it waits, ends or faults. Consecutive steps share a transaction, committed every
    /// <see cref="RuntimeOptions.StepsPerTransaction"/> steps and at the end: a login costs two commits (the start
    /// up to the credentials wait, the answer up to the token) instead of one per step. A crash or an infrastructure error loses at most the uncommitted steps, which
    /// recovery (or the caller's retry) runs again; their database writes roll back with them, so nothing runs
    /// twice in effect.
    /// </summary>
    /// <param name="first">The open transaction.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="saved">The state the caller saved in <paramref name="first"/>, or null to load it.</param>
    /// <param name="stepsInFirst">Steps already in <paramref name="first"/>.</param>
    /// <param name="delivered">Collects secret outputs for the caller, or null.</param>
    /// <param name="cancellationToken">Cancels the run; uncommitted steps roll back.</param>
    private async Task ContinueAsync(IStepTransaction first, string instanceId, InstanceState? saved, int stepsInFirst,
        Dictionary<string, JsonElement>? delivered, CancellationToken cancellationToken)
    {
        IStepTransaction tx = first;
        InstanceState? carried = saved;
        InstanceStatus status = saved?.Status ?? InstanceStatus.Running;
        int inTransaction = stepsInFirst;
        try
        {
            for (int run = 0; status == InstanceStatus.Running && run < _options.MaxStepsPerRun; run++)
            {
                if (inTransaction >= _options.StepsPerTransaction)
                {
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    if (!ReferenceEquals(tx, first))
                    {
                        await tx.DisposeAsync().ConfigureAwait(false);
                    }

                    tx = first; // until the next one is open, so a failed begin disposes nothing twice
                    tx = await store.BeginStepAsync(cancellationToken).ConfigureAwait(false);
                    inTransaction = 0;
                    carried = null; // another caller may have written between the transactions: load again
                }

                InstanceState? next = await StepAsync(tx, instanceId, carried, delivered, cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    break;
                }

                carried = next;
                status = next.Status;
                inTransaction++;
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(tx, first))
            {
                await tx.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (status is InstanceStatus.Completed or InstanceStatus.Faulted)
        {
            Secrets.Clear(instanceId);
        }
    }

    /// <summary>Ends a step: releases joins, sets the status, journals an end or a fault, and saves (no commit).</summary>
    private async Task SaveStepAsync(IStepTransaction tx, BoundFlow? flow, InstanceState state, int loadedVersion, CancellationToken cancellationToken)
    {
        if (flow is not null && state.Status != InstanceStatus.Faulted)
        {
            ReleaseJoins(flow.Graph, state);
        }

        DateTimeOffset now = time.GetUtcNow();
        InstanceStatus before = state.Status;
        state.Status = state.Incident is not null ? InstanceStatus.Faulted
            : state.Branches.Count == 0 ? InstanceStatus.Completed
            : state.Branches.Any(b => b.Status == BranchStatus.Ready) ? InstanceStatus.Running
            : InstanceStatus.Waiting;
        if (state.Status is InstanceStatus.Completed && before != InstanceStatus.Completed)
        {
            await tx.AppendJournalAsync(new JournalEntry(state.Id, 0, null, null, "complete-instance", null, null, now), cancellationToken).ConfigureAwait(false);
        }
        else if (state.Status is InstanceStatus.Faulted && state.Incident is { } incident)
        {
            await tx.AppendJournalAsync(new JournalEntry(state.Id, 0, incident.NodeId, null, "fault", incident.Code, incident.Message, now), cancellationToken).ConfigureAwait(false);
        }

        state.UpdatedAt = now;
        await tx.SaveAsync(state, loadedVersion, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunBranchAsync(IStepTransaction tx, BoundFlow flow, InstanceState state, Branch branch, Dictionary<string, JsonElement>? delivered, CancellationToken cancellationToken)
    {
        FlowGraph graph = flow.Graph;
        FlowNode node = graph.FindNode(branch.NodeId)!;
        ImmutableDictionary<string, JsonElement>? answer = branch.Answer;
        branch.Answer = null;
        DateTimeOffset now = time.GetUtcNow();

        if (answer is null && !branch.TimedOut)
        {
            // A fresh arrival (not the answer to a wait): joins and loop bounds apply here.
            if (node.Incoming.Length > 1 && MustWaitAtJoin(graph, state, branch))
            {
                branch.Status = BranchStatus.Joining;
                await Journal(tx, state, node, "join", null, "waits for the other active branches", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (node.Incoming.Length > 1)
            {
                MergeJoinedBranches(state, branch);
            }

            int visits = state.Visits.GetValueOrDefault(node.Id) + 1;
            state.Visits[node.Id] = visits;
            (int bound, FlowLoop? loop) = BoundOf(flow, node.Id);
            if (visits > bound)
            {
                string region = loop is null ? "the default bound for nodes outside loop regions" : $"the bound of loop [{loop.Condition}]";
                Fault(state, new Incident("loop-bound", node.Id,
                    $"node '{node.Id}' (\"{node.DisplayText}\") would run {visits} times; {region} is {bound}. Raise it with 'up to N times' in the loop text, or give the loop an exit"));
                return;
            }

            await Journal(tx, state, node, "enter", null, null, cancellationToken).ConfigureAwait(false);
        }

        switch (node.Kind)
        {
            case NodeKind.Start:
            case NodeKind.Milestone:
                MoveOn(graph, state, branch, node, outcome: null);
                break;
            case NodeKind.End:
                state.Branches.Remove(branch);
                await Journal(tx, state, node, "end", null, null, cancellationToken).ConfigureAwait(false);
                break;
            case NodeKind.Activity:
            case NodeKind.Decision:
                await RunActivityAsync(tx, flow, state, branch, node, answer, delivered, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task RunActivityAsync(IStepTransaction tx, BoundFlow flow, InstanceState state, Branch branch, FlowNode node,
        ImmutableDictionary<string, JsonElement>? answer, Dictionary<string, JsonElement>? delivered, CancellationToken cancellationToken)
    {
        FlowGraph graph = flow.Graph;
        NodeBinding binding = flow.For(node.Id);
        if (branch.TimedOut)
        {
            branch.TimedOut = false;
            FlowEdge? timeoutExit = node.Outgoing.FirstOrDefault(e => e.Label is { } l && TimeoutLabels.Contains(ActivityRegistry.Normalize(l)));
            if (timeoutExit is null)
            {
                Fault(state, new Incident("deadline", node.Id, $"the wait at '{node.Id}' (\"{node.DisplayText}\") passed its deadline and the node has no exit labelled \"Timeout\""));
                return;
            }

            await Journal(tx, state, node, "complete", "timeout", null, cancellationToken).ConfigureAwait(false);
            Follow(branch, timeoutExit, outcome: "timeout");
            return;
        }

        string? outcome;
        if (binding.Handler is { } handler)
        {
            var context = new ActivityContext(state.Id, graph, node, binding.Options, answer ?? ImmutableDictionary<string, JsonElement>.Empty,
                answer is not null, branch.PreviousOutcome, state.Variables, time, tx, Secrets);
            ActivityResult result;
            await tx.SavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
            try
            {
                result = await handler.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The handler's own writes are undone; the fault and the journal commit.
                await tx.RollbackToSavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
                Fault(state, new Incident("activity-error", node.Id, $"activity '{handler.Type}' at '{node.Id}' threw {e.GetType().Name}: {e.Message}"));
                return;
            }

            if (result.Kind == ActivityResultKind.Fail)
            {
                await tx.RollbackToSavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);
                Fault(state, new Incident("activity-failed", node.Id, $"activity '{handler.Type}' at '{node.Id}' failed: {result.Error}"));
                return;
            }

            await tx.ReleaseSavepointAsync(HandlerSavepoint, cancellationToken).ConfigureAwait(false);

            foreach ((string kind, JsonElement payload) in context.Outbox)
            {
                await tx.AddOutboxAsync(state.Id, kind, payload, cancellationToken).ConfigureAwait(false);
            }

            if (result.Kind == ActivityResultKind.Wait)
            {
                await WaitAsync(tx, state, branch, node, result.Wait!, binding.Timeout, cancellationToken).ConfigureAwait(false);
                return;
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

            outcome = result.Outcome;
        }
        else if (node.Kind == NodeKind.Decision && branch.PreviousOutcome is not null && answer is null)
        {
            outcome = branch.PreviousOutcome; // decided by the activity before it
        }
        else if (answer is null)
        {
            // Unbound: a manual task (its declared input) or, for a decision, the caller's choice among its exits.
            WaitRequest request = node.Kind == NodeKind.Decision && node.Outgoing.Length > 1
                ? WaitRequest.ForChoice(node.Outgoing.Select(e => e.Label ?? e.To))
                : WaitRequest.ForFields(binding.Input);
            await WaitAsync(tx, state, branch, node, request, binding.Timeout, cancellationToken).ConfigureAwait(false);
            return;
        }
        else
        {
            outcome = answer.TryGetValue("outcome", out JsonElement chosen) && chosen.ValueKind == JsonValueKind.String ? chosen.GetString() : null;
            foreach ((string key, JsonElement value) in answer)
            {
                if (key != "outcome" && !(binding.Input.GetValueOrDefault(key)?.IsSecret ?? false))
                {
                    state.Variables[key] = value; // answers to manual tasks become variables; secret fields never do
                }
            }
        }

        await Journal(tx, state, node, "complete", outcome, null, cancellationToken).ConfigureAwait(false);
        if (node.Kind == NodeKind.Decision)
        {
            Decide(graph, state, branch, node, outcome);
        }
        else
        {
            MoveOn(graph, state, branch, node, outcome);
        }
    }

    private async Task WaitAsync(IStepTransaction tx, InstanceState state, Branch branch, FlowNode node, WaitRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        DateTimeOffset? deadline = request.Deadline ?? (timeout is { } t ? time.GetUtcNow() + t : null);
        branch.Status = BranchStatus.Waiting;
        branch.Wait = request with { Deadline = deadline };
        if (deadline is { } due)
        {
            await tx.SetTimerAsync(state.Id, branch.Id, due, cancellationToken).ConfigureAwait(false);
        }

        string detail = request.Choices.IsEmpty ? "fields: " + string.Join(", ", request.Fields.Keys) : "choice: " + string.Join(" | ", request.Choices);
        await Journal(tx, state, node, "wait", null, detail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Exactly one exit: the only one; else the one whose label matches the outcome; else the unlabeled exit to the
    /// node the caller named; else the single unlabeled exit (the default branch). Anything else is an incident.
    /// </summary>
    private static void Decide(FlowGraph graph, InstanceState state, Branch branch, FlowNode node, string? outcome)
    {
        ImmutableArray<FlowEdge> exits = node.Outgoing;
        if (exits.Length == 0)
        {
            state.Branches.Remove(branch);
            return;
        }

        FlowEdge[] unlabeled = [.. exits.Where(e => e.Label is null)];
        FlowEdge? chosen = exits.Length == 1 ? exits[0]
            : exits.FirstOrDefault(e => outcome is not null && Outcomes.Matches(outcome, e.Label))
            ?? unlabeled.FirstOrDefault(e => outcome is not null && ActivityRegistry.Normalize(outcome) == ActivityRegistry.Normalize(e.To)) // the caller named the target
            ?? (unlabeled.Length == 1 ? unlabeled[0] : null); // a single unlabeled exit is the decision's default branch
        if (chosen is null)
        {
            string labels = string.Join(", ", exits.Select(e => e.Label is null ? "(unlabeled)" : "\"" + e.Label + "\""));
            Fault(state, new Incident("outcome-mismatch", node.Id,
                $"decision '{node.Id}' (\"{node.DisplayText}\") got outcome {(outcome is null ? "none" : "\"" + outcome + "\"")}, which matches none of its exits ({labels})"));
            return;
        }

        Follow(branch, chosen, outcome: null);
    }

    /// <summary>After a non-decision: no exit ends the branch, one exit moves it, several fork parallel branches.</summary>
    private static void MoveOn(FlowGraph graph, InstanceState state, Branch branch, FlowNode node, string? outcome)
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

        branch.NodeId = targets[0];
        branch.Status = BranchStatus.Ready;
        branch.PreviousOutcome = outcome;
    }

    private static void Follow(Branch branch, FlowEdge edge, string? outcome)
    {
        branch.NodeId = edge.To;
        branch.Status = BranchStatus.Ready;
        branch.PreviousOutcome = outcome;
    }

    private static void TimeOut(BoundFlow? flow, InstanceState state, Branch branch)
    {
        if (flow is null)
        {
            Fault(state, new Incident("missing-version", branch.NodeId, $"flow '{state.FlowName}' version {state.FlowHash[..12]} is not stored; it cannot run"));
            return;
        }

        branch.Status = BranchStatus.Ready;
        branch.Wait = null;
        branch.TimedOut = true;
    }

    private static void Fault(InstanceState state, Incident incident)
    {
        state.Incident = incident;
        state.Status = InstanceStatus.Faulted;
    }

    /// <summary>The visit bound of a node: the smallest bound of the loop regions listing it, else the default.</summary>
    private (int Bound, FlowLoop? Loop) BoundOf(BoundFlow flow, string nodeId)
    {
        ImmutableArray<FlowLoop> loops = flow.Graph.Loops;
        ImmutableArray<LoopBound> bounds = flow.Compiled.LoopBounds;
        int tightest = -1;
        for (int i = 0; i < loops.Length; i++)
        {
            if (loops[i].Nodes.Contains(nodeId) && (tightest < 0 || bounds[i].MaxIterations < bounds[tightest].MaxIterations))
            {
                tightest = i;
            }
        }

        return tightest < 0 ? (_options.DefaultVisitBound, null) : (bounds[tightest].MaxIterations, loops[tightest]);
    }

    private Task Journal(IStepTransaction tx, InstanceState state, FlowNode node, string @event, string? outcome, string? detail, CancellationToken cancellationToken) =>
        tx.AppendJournalAsync(new JournalEntry(state.Id, 0, node.Id, node.Lane, @event, outcome, detail, time.GetUtcNow()), cancellationToken);
}
