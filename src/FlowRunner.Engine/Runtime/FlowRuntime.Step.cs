using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Graph;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime.Steps;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Telemetry;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime;

/// <summary>One step: one ready branch arrives at its node (joins, loop bounds) and the node's executor runs it.</summary>
public sealed partial class FlowRuntime
{
    private static readonly Dictionary<NodeKind, NodeExecutor> Executors = new()
    {
        [NodeKind.Start] = new PassThroughExecutor(),
        [NodeKind.Milestone] = new PassThroughExecutor(),
        [NodeKind.End] = new EndExecutor(),
        [NodeKind.Activity] = new ActivityExecutor(),
        [NodeKind.Decision] = new DecisionExecutor(),
    };

    /// <summary>
    /// Runs the instance's next ready step (loading the instance unless <paramref name="carried"/> is what the run saved
    /// last); returns its state after the step, or null when nothing was ready.
    /// </summary>
    private async ValueTask<InstanceState?> StepAsync(StepBatch batch, string instanceId, InstanceState? carried, CancellationToken cancellationToken)
    {
        InstanceState? state = carried ?? await store.GetAsync(instanceId, cancellationToken).ConfigureAwait(false);
        Branch? branch = state?.Branches.FirstOrDefault(b => b.Status == BranchStatus.Ready);
        if (state is null || branch is null || state.Status is InstanceStatus.Completed or InstanceStatus.Faulted)
        {
            return null;
        }

        BoundFlow? flow = await FlowOfAsync(state, cancellationToken).ConfigureAwait(false);
        await RunStepAsync(batch, flow, state, branch, arrival: null, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// One step of a read instance: the branch runs its node in memory (a handler with no transaction open), then the
    /// step is saved in the batch, to be committed with it. <paramref name="arrival"/> journals why a waiting node runs
    /// again (its answer) and clears its timer, if its wait had a deadline.
    /// </summary>
    private async ValueTask RunStepAsync(StepBatch batch, BoundFlow? flow, InstanceState state, Branch branch, (string Event, string? Detail, bool HadDeadline)? arrival, CancellationToken cancellationToken)
    {
        int loaded = state.Version;
        Step? step = null;
        if (flow is null)
        {
            Fault(state, Incident.MissingVersion(state, branch.NodeId));
        }
        else
        {
            FlowNode node = flow.Graph.FindNode(branch.NodeId)!;
            ImmutableDictionary<string, JsonElement>? answer = branch.Answer;
            branch.Answer = null;
            step = new Step(store, batch, flow, state, branch, node, answer, time);
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            System.Diagnostics.Activity? span = FlowTelemetry.StartNode(flow, state, node);
            batch.Track(span);
            if (arrival is { } cause)
            {
                if (cause.HadDeadline)
                {
                    step.ClearTimer();
                }

                step.Journal(cause.Event, null, cause.Detail);
            }

            await RunBranchAsync(step, cancellationToken).ConfigureAwait(false);
            FlowTelemetry.FinishNode(span, state, branch, time.GetUtcNow());
            FlowTelemetry.NodeExecuted(node, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        SaveStep(batch, flow, state, loaded, step);
    }

    /// <summary>
    /// Runs the instance's ready steps after <paramref name="saved"/> (the state the caller saved in the batch, or null to
    /// read it), until it waits, ends or faults, then commits. Saved steps commit together: every
    /// <see cref="RuntimeOptions.StepsPerTransaction"/> steps, when a handler's commit work has opened the transaction and
    /// another handler is about to run, and at the end. A crash or an infrastructure error loses at most the uncommitted
    /// steps, which recovery (or the caller's retry) runs again; their database writes roll back with them, so nothing runs
    /// twice in effect. When another caller moved the instance on first, what was not committed is dropped and the
    /// instance read again; while the caller's own step is among it, the caller retries instead.
    /// </summary>
    /// <returns>The instance after the last step this run took, or null when it took none.</returns>
    private async Task<InstanceState?> ContinueAsync(StepBatch batch, string instanceId, InstanceState? saved, CancellationToken cancellationToken)
    {
        _running.AddOrUpdate(instanceId, 1, (_, runs) => runs + 1);
        try
        {
            return await ContinueLeasedAsync(batch, instanceId, saved, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_running.AddOrUpdate(instanceId, 0, (_, runs) => runs - 1) == 0)
            {
                _running.TryRemove(new KeyValuePair<string, int>(instanceId, 0));
            }
        }
    }

    private async Task<InstanceState?> ContinueLeasedAsync(StepBatch batch, string instanceId, InstanceState? saved, CancellationToken cancellationToken)
    {
        InstanceState? carried = saved;
        InstanceStatus status = saved?.Status ?? InstanceStatus.Running;
        int conflicts = 0;
        for (int run = 0; ; run++)
        {
            try
            {
                for (; status == InstanceStatus.Running && run < _options.MaxStepsPerRun; run++)
                {
                    if (batch.Steps >= _options.StepsPerTransaction)
                    {
                        await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (await StepAsync(batch, instanceId, carried, cancellationToken).ConfigureAwait(false) is not { } next)
                    {
                        break;
                    }

                    carried = next;
                    status = next.Status;
                }

                await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (ConcurrencyException) when ((saved is null || batch.HasCommitted) && ++conflicts < MaxAttempts)
            {
                await batch.AbandonAsync().ConfigureAwait(false);
                batch.WentOnFromOthers = true;
                carried = null; // read what the other caller saved, and run what is ready now
                status = InstanceStatus.Running;
                if (!await store.ClaimAsync(instanceId, atVersion: null, cancellationToken).ConfigureAwait(false))
                {
                    // Nothing is ready, or another node holds the lease (it took the instance over): that node runs it.
                    return null;
                }
            }
        }

        if (status is InstanceStatus.Completed or InstanceStatus.Faulted)
        {
            Secrets.Clear(instanceId);
            FlowTelemetry.InstanceEnded(carried!);
        }

        if (batch.Busy is { } busy)
        {
            throw busy;
        }

        return carried;
    }

    /// <summary>Ends a step: releases joins, sets the status, and saves it in the batch with what it wrote (no commit).</summary>
    private void SaveStep(StepBatch batch, BoundFlow? flow, InstanceState state, int loadedVersion, Step? step)
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
        if (step is not null)
        {
            batch.Write(step.WriteAsync);
        }

        if (state.Status is InstanceStatus.Completed && before != InstanceStatus.Completed)
        {
            var completed = new JournalEntry(state.Id, 0, null, null, JournalEvent.CompleteInstance, null, null, now);
            batch.Write((tx, ct) => tx.AppendJournalAsync(completed, ct));
        }
        else if (state.Status is InstanceStatus.Faulted && state.Incident is { } incident)
        {
            var fault = new JournalEntry(state.Id, 0, incident.NodeId, null, JournalEvent.Fault, incident.Code, incident.Message, now);
            batch.Write((tx, ct) => tx.AppendJournalAsync(fault, ct));
        }

        state.UpdatedAt = now;
        batch.Saved(state, loadedVersion);
    }

    private async Task RunBranchAsync(Step step, CancellationToken cancellationToken)
    {
        FlowGraph graph = step.Flow.Graph;
        FlowNode node = step.Node;
        InstanceState state = step.State;
        Branch branch = step.Branch;
        if (step.Answer is null && !branch.TimedOut)
        {
            // A fresh arrival (not the answer to a wait): joins and loop bounds apply here.
            if (node.Incoming.Length > 1 && MustWaitAtJoin(graph, state, branch))
            {
                branch.Status = BranchStatus.Joining;
                step.Journal(JournalEvent.Join, null, "waits for the other active branches");
                return;
            }

            if (node.Incoming.Length > 1)
            {
                MergeJoinedBranches(state, branch);
            }

            int visits = state.Visits.GetValueOrDefault(node.Id) + 1;
            state.Visits[node.Id] = visits;
            (int bound, FlowLoop? loop) = BoundOf(step.Flow, node.Id);
            if (visits > bound)
            {
                string region = loop is null ? "the default bound for nodes outside loop regions" : $"the bound of loop [{loop.Condition}]";
                step.Fault(IncidentCode.LoopBound,
                    $"node '{node.Id}' (\"{node.DisplayText}\") would run {visits} times; {region} is {bound}. Raise it with 'up to N times' in the loop text, or give the loop an exit");
                return;
            }

            step.Journal(JournalEvent.Enter, null, null);
        }

        await Executors[node.Kind].ExecuteAsync(step, cancellationToken).ConfigureAwait(false);
    }

    private static void TimeOut(BoundFlow? flow, InstanceState state, Branch branch)
    {
        if (flow is null)
        {
            Fault(state, Incident.MissingVersion(state, branch.NodeId));
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
}
