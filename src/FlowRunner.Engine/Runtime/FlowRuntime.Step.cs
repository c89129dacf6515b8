using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Graph;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime.Steps;
using FlowRunner.Engine.State;
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
            Fault(state, Incident.MissingVersion(state, branch.NodeId));
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
            await tx.AppendJournalAsync(new JournalEntry(state.Id, 0, null, null, JournalEvent.CompleteInstance, null, null, now), cancellationToken).ConfigureAwait(false);
        }
        else if (state.Status is InstanceStatus.Faulted && state.Incident is { } incident)
        {
            await tx.AppendJournalAsync(new JournalEntry(state.Id, 0, incident.NodeId, null, JournalEvent.Fault, incident.Code, incident.Message, now), cancellationToken).ConfigureAwait(false);
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
        var step = new Step(tx, flow, state, branch, node, answer, delivered, time, Secrets);

        if (answer is null && !branch.TimedOut)
        {
            // A fresh arrival (not the answer to a wait): joins and loop bounds apply here.
            if (node.Incoming.Length > 1 && MustWaitAtJoin(graph, state, branch))
            {
                branch.Status = BranchStatus.Joining;
                await step.JournalAsync(JournalEvent.Join, null, "waits for the other active branches", cancellationToken).ConfigureAwait(false);
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
                step.Fault(IncidentCode.LoopBound,
                    $"node '{node.Id}' (\"{node.DisplayText}\") would run {visits} times; {region} is {bound}. Raise it with 'up to N times' in the loop text, or give the loop an exit");
                return;
            }

            await step.JournalAsync(JournalEvent.Enter, null, null, cancellationToken).ConfigureAwait(false);
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
