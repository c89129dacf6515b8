using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime.Steps;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Telemetry;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime;

/// <summary>
/// Runs instances step by step. A step reads the instance, runs one ready branch's node in memory (handlers with no
/// transaction open), then saves the new state, the journal, the outbox, timers and the handler's commit work in the
/// run's transaction, guarded by the instance's version: a step that lost a race to another caller is discarded and
/// run again from what is stored. Consecutive steps without handlers share the transaction
/// (<see cref="RuntimeOptions.StepsPerTransaction"/>); it commits before any handler runs and before every call returns.
/// A crash loses at most the uncommitted steps, whole; start-up recovery runs what was interrupted.
/// </summary>
public sealed partial class FlowRuntime(IInstanceStore store, IFlowResolver flows, TimeProvider time, RuntimeOptions? options = null)
{
    // How often one call re-runs a step that lost a race before giving up with the ConcurrencyException.
    private const int MaxAttempts = 8;

    // Instances one claim takes over at a time.
    private const int ClaimBatch = 50;

    // The instances this node is running now (with how many runs of each), whose leases it renews.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly RuntimeOptions _options = options ?? new RuntimeOptions();

    // Flow versions this runtime has stored: a start writes its version once, not on every start.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _storedVersions = new(StringComparer.Ordinal);

    /// <summary>Secret answer fields, in memory only (never in the database or the journal).</summary>
    internal TransientSecrets Secrets { get; } = new(time);

    /// <summary>Starts an instance (one branch per start circle) and runs it until it waits or ends.</summary>
    /// <exception cref="FlowNotRunnableException">The flow has no start circle, or is request-scoped.</exception>
    public async Task<RunResult> StartAsync(BoundFlow flow, string source, CancellationToken cancellationToken)
    {
        FlowNode[] starts = [.. flow.Graph.Starts];
        if (flow.Mode == FlowMode.Request)
        {
            throw new FlowNotRunnableException($"{flow.Graph.Source.Path}: a request-scoped flow runs only per request, through the host that serves it (RunRequestAsync)");
        }

        if (starts.Length == 0)
        {
            throw new FlowNotRunnableException($"{flow.Graph.Source.Path}: the flow has no start (FZ1006): add a circle without incoming edges");
        }

        if (!_storedVersions.ContainsKey(flow.Hash))
        {
            await store.SaveFlowVersionAsync(flow.Name, flow.Hash, flow.Graph.Source.Path, source, cancellationToken).ConfigureAwait(false);
            _storedVersions.TryAdd(flow.Hash, 0);
        }

        DateTimeOffset now = time.GetUtcNow();
        // Handed to clients (a login's session_id), so 80 of its bits come from the CSPRNG; it begins with the start's time,
        // so the new instance's index entries (its id, its journal) go to the end of their indexes.
        string id = RecordId.NewOrdered(now);
        using Activity? run = FlowTelemetry.StartRun("start", flow.Name, flow.Hash, id, storedTraceParent: null);
        var state = new InstanceState
        {
            Id = id,
            FlowName = flow.Name,
            FlowHash = flow.Hash,
            Status = InstanceStatus.Running,
            CreatedAt = now,
            UpdatedAt = now,
            TraceParent = run?.Id,
            BindingHash = flow.BindingHash,
        };
        var delivered = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (FlowNode start in starts)
        {
            state.Branches.Add(new Branch { Id = state.NewBranchId(), NodeId = start.Id, Status = BranchStatus.Ready });
        }

        try
        {
            RunResult? result = null;
            await using (var batch = new StepBatch(store, Secrets, delivered))
            {
                batch.Insert(state);
                var start = new JournalEntry(state.Id, 0, null, null, JournalEvent.Start, null, flow.Name + "@" + flow.Hash[..12], now);
                batch.Write((tx, ct) => tx.AppendJournalAsync(start, ct));
                InstanceState? ended = await ContinueAsync(batch, state.Id, state, cancellationToken).ConfigureAwait(false);
                if (ended is not null && !batch.WentOnFromOthers)
                {
                    // The run saw the whole of the new instance: its result needs no read back.
                    result = ResultOf(ended, flow, [.. batch.Path], delivered);
                }
            }

            FlowTelemetry.InstanceStarted(flow.Name);
            result ??= await GetResultAsync(state.Id, delivered, cancellationToken).ConfigureAwait(false);
            FlowTelemetry.EndRun(run, result.Status, result.Incident);
            return result;
        }
        catch (Exception e)
        {
            FlowTelemetry.EndRun(run, null, null, e);
            throw;
        }
    }

    /// <summary>
    /// Runs a request-scoped flow (<see cref="Binding.FlowMode.Request"/>) for one request, in memory: its handlers see
    /// <paramref name="request"/> as <see cref="Activities.ActivityContext.Request"/>, their commit work commits as it comes, and
    /// nothing else is stored: no instance, no journal. The result is completed, or faulted with the node that refused.
    /// </summary>
    /// <exception cref="FlowNotRunnableException">The flow is durable, or has no start circle.</exception>
    public async Task<RunResult> RunRequestAsync(BoundFlow flow, object request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (flow.Mode != FlowMode.Request || flow.Graph.Starts.FirstOrDefault() is not { } start)
        {
            throw new FlowNotRunnableException($"{flow.Graph.Source.Path}: only a request-scoped flow with a start circle runs per request (\"mode\": \"request\" in its bindings file)");
        }

        DateTimeOffset now = time.GetUtcNow();
        string id = RecordId.New();
        using Activity? run = FlowTelemetry.StartRun("request", flow.Name, flow.Hash, id, storedTraceParent: null);
        var state = new InstanceState { Id = id, FlowName = flow.Name, FlowHash = flow.Hash, Status = InstanceStatus.Running, CreatedAt = now, UpdatedAt = now };
        state.Branches.Add(new Branch { Id = state.NewBranchId(), NodeId = start.Id, Status = BranchStatus.Ready });
        var delivered = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        try
        {
            await using (var batch = new StepBatch(store, Secrets, delivered) { Request = request })
            {
                batch.Insert(state);
                await ContinueAsync(batch, id, state, cancellationToken).ConfigureAwait(false);
                RunResult result = ResultOf(state, flow, [.. batch.Path], delivered);
                FlowTelemetry.EndRun(run, result.Status, result.Incident);
                return result;
            }
        }
        catch (Exception e)
        {
            FlowTelemetry.EndRun(run, null, null, e);
            throw;
        }
    }

    /// <summary>
    /// Answers the wait at <paramref name="nodeId"/> and runs on. The answered node runs in the step that accepts the
    /// answer, so answers (passwords, codes) are never stored between steps. Of racing answers to one wait exactly one
    /// is accepted; the others find the node no longer waiting.
    /// </summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="nodeId">The waiting node.</param>
    /// <param name="input">The answer: input fields, or <c>{"outcome": "..."}</c> for a choice.</param>
    /// <param name="expectedVersion">When given, the answer is refused if the instance changed since the caller read it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InstanceNotFoundException">No such instance.</exception>
    /// <exception cref="NotWaitingException">The node is not waiting (already answered: only one of racing answers wins).</exception>
    /// <exception cref="ConcurrencyException">The instance changed since <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="InvalidInputException">The answer does not fit what the wait expects.</exception>
    public async Task<RunResult> ResumeAsync(string instanceId, string nodeId, ImmutableDictionary<string, JsonElement> input, int? expectedVersion, CancellationToken cancellationToken)
    {
        var delivered = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        Activity? run = null;
        InstanceState? ended;
        BoundFlow? flow;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                InstanceState state = await store.GetAsync(instanceId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InstanceNotFoundException(instanceId);
                run ??= FlowTelemetry.StartRun("answer", state.FlowName, state.FlowHash, state.Id, state.TraceParent);
                (bool accepted, ended, flow) = await AnswerAsync(state, nodeId, input, expectedVersion, delivered, isLastAttempt: attempt >= MaxAttempts, cancellationToken).ConfigureAwait(false);
                if (accepted)
                {
                    break;
                }
            }

            // The run knows the instance it left; only the path before it is read back.
            RunResult result = ended is null ? await GetResultAsync(instanceId, delivered, cancellationToken).ConfigureAwait(false)
                : ResultOf(ended, flow, EnteredNodes(await store.GetJournalAsync(instanceId, cancellationToken).ConfigureAwait(false)), delivered);
            FlowTelemetry.EndRun(run, result.Status, result.Incident);
            return result;
        }
        catch (Exception e)
        {
            FlowTelemetry.EndRun(run, null, null, e);
            throw;
        }
    }

    // One attempt at an answer: not accepted when another caller changed the instance before it committed (read it
    // again); else the instance as the run left it, when it knows, and its flow.
    private async Task<(bool Accepted, InstanceState? Ended, BoundFlow? Flow)> AnswerAsync(InstanceState state, string nodeId, ImmutableDictionary<string, JsonElement> input, int? expectedVersion,
        Dictionary<string, JsonElement> delivered, bool isLastAttempt, CancellationToken cancellationToken)
    {
        string instanceId = state.Id;
        if (expectedVersion is { } expected && expected != state.Version)
        {
            throw new ConcurrencyException(instanceId, $"instance '{instanceId}' is at version {state.Version}, not {expected}: read it again and answer what it waits for now");
        }

        Branch branch = state.Branches.FirstOrDefault(b => b.NodeId == nodeId && b.Status == BranchStatus.Waiting)
            ?? throw new NotWaitingException(instanceId, nodeId,
                $"node '{nodeId}' of instance '{instanceId}' is not waiting ({Describe(state)}); it may have been answered already");
        WaitRequest wait = branch.Wait ?? WaitRequest.Confirmation;
        InputValidation.Check(nodeId, wait, input);

        BoundFlow? flow = await FlowOfAsync(state, cancellationToken).ConfigureAwait(false);
        await using var batch = new StepBatch(store, Secrets, delivered);
        branch.Status = BranchStatus.Ready;
        branch.Wait = null;
        branch.Answer = input;
        batch.KeepSecrets(state.Id, input.Where(p => wait.Fields.TryGetValue(p.Key, out InputField? field) && field.IsSecret));
        DateTimeOffset waitingSince = state.UpdatedAt; // the last change before the answer: when the wait began
        InstanceState? ended;
        try
        {
            await RunStepAsync(batch, flow, state, branch, (JournalEvent.Answer, InputValidation.Redact(wait, input), wait.Deadline is not null), cancellationToken).ConfigureAwait(false);
            ended = await ContinueAsync(batch, instanceId, state, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException) when (!isLastAttempt)
        {
            return (false, null, flow); // another caller changed the instance before the answer committed: read it again (the wait may be answered now)
        }

        FlowTelemetry.Waited(time.GetUtcNow() - waitingSince, state.FlowName, "answer");
        return (true, ended, flow);
    }

    /// <summary>Runs steps until no branch is ready. Secret outputs of these steps have no caller and are dropped.</summary>
    public async Task RunAsync(string instanceId, CancellationToken cancellationToken)
    {
        InstanceState? state = FlowTelemetry.Listening ? await store.GetAsync(instanceId, cancellationToken).ConfigureAwait(false) : null;
        using Activity? run = state is null ? null : FlowTelemetry.StartRun("run", state.FlowName, state.FlowHash, state.Id, state.TraceParent);
        try
        {
            await using var batch = new StepBatch(store, Secrets, delivered: null);
            InstanceState? ended = await ContinueAsync(batch, instanceId, saved: null, cancellationToken).ConfigureAwait(false) ?? state;
            FlowTelemetry.EndRun(run, ended?.Status, ended?.Incident);
        }
        catch (Exception e)
        {
            FlowTelemetry.EndRun(run, null, null, e);
            throw;
        }
    }

    /// <summary>
    /// Start-up recovery: claims and runs every interrupted instance whose lease ran out, and those leased to this
    /// node's name (its previous run), then fires due timers. An instance this process cannot run as it started is left
    /// as it was and reported (<see cref="InstanceRefused"/>).
    /// </summary>
    /// <returns>How many instances were resumed.</returns>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        int recovered = await TakeOverAsync(includeOwn: true, cancellationToken).ConfigureAwait(false);
        await FireDueTimersAsync(cancellationToken).ConfigureAwait(false);
        return recovered;
    }

    /// <summary>
    /// Takes over the work of nodes that stopped: claims and runs running instances whose lease ran out (by the
    /// database's clock). A node runs this every few seconds; its own live instances are not touched.
    /// </summary>
    /// <returns>How many instances were taken over.</returns>
    public Task<int> SweepAsync(CancellationToken cancellationToken) => TakeOverAsync(includeOwn: false, cancellationToken);

    /// <summary>
    /// An instance this runtime claimed (recovery, take-over, a due timer) but did not run, because its flow cannot run in
    /// this process as it started (<see cref="InstanceRefusedEventArgs.Reason"/> says why and what to change). The instance
    /// is left as it was, for a process that can run it.
    /// </summary>
    public event EventHandler<InstanceRefusedEventArgs>? InstanceRefused;

    /// <summary>The instances this node is running now.</summary>
    public IReadOnlyCollection<string> Running => [.. _running.Keys];

    /// <summary>Renews this node's leases on the instances it is running now, so no other node takes them over.</summary>
    public Task RenewLeasesAsync(CancellationToken cancellationToken) => store.RenewLeasesAsync(Running, cancellationToken);

    private async Task<int> TakeOverAsync(bool includeOwn, CancellationToken cancellationToken)
    {
        int taken = 0;
        var refused = new HashSet<string>(StringComparer.Ordinal); // claimed again by every round that includes this node's own
        while (true)
        {
            IReadOnlyList<string> claimed = await store.ClaimRunnableAsync(ClaimBatch, includeOwn, cancellationToken).ConfigureAwait(false);
            foreach (string id in claimed.Where(id => !refused.Contains(id)))
            {
                try
                {
                    await RunAsync(id, cancellationToken).ConfigureAwait(false);
                    taken++;
                }
                catch (FlowNotRunnableException e)
                {
                    refused.Add(id); // left as it was; the others still run
                    InstanceRefused?.Invoke(this, new InstanceRefusedEventArgs(id, e.Message));
                }
            }

            if (claimed.Count < ClaimBatch || claimed.All(refused.Contains))
            {
                return taken;
            }
        }
    }

    /// <summary>Fires every timer that is due: the waiting node times out and the instance runs on.</summary>
    /// <returns>How many timers fired.</returns>
    public async Task<int> FireDueTimersAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<DueTimer> due = await store.FindDueTimersAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        int fired = 0;
        foreach (DueTimer timer in due)
        {
            InstanceState? state = await store.GetAsync(timer.InstanceId, cancellationToken).ConfigureAwait(false);
            Branch? branch = state?.Branches.FirstOrDefault(b => b.Id == timer.BranchId && b.Status == BranchStatus.Waiting);
            BoundFlow? flow = null;
            if (state is not null && branch is not null)
            {
                try
                {
                    flow = await FlowOfAsync(state, cancellationToken).ConfigureAwait(false);
                }
                catch (FlowNotRunnableException e)
                {
                    InstanceRefused?.Invoke(this, new InstanceRefusedEventArgs(state.Id, e.Message)); // the timer stays due
                    continue;
                }

                // Of the nodes that see the timer due, the one that claims the instance at this version fires it.
                if (!await store.ClaimAsync(state.Id, state.Version, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                state.Version++;
            }

            await using var batch = new StepBatch(store, Secrets, delivered: null);
            batch.Write((tx, ct) => tx.ClearTimerAsync(timer.InstanceId, timer.BranchId, ct));
            if (state is null || branch is null)
            {
                await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            using Activity? run = FlowTelemetry.StartRun("timer", state.FlowName, state.FlowHash, state.Id, state.TraceParent);
            DateTimeOffset waitingSince = state.UpdatedAt;
            int loaded = state.Version;
            var timeout = new JournalEntry(state.Id, 0, branch.NodeId, flow?.Graph.FindNode(branch.NodeId)?.Lane, JournalEvent.Timeout, null,
                "deadline " + timer.DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), time.GetUtcNow());
            batch.Write((tx, ct) => tx.AppendJournalAsync(timeout, ct));
            TimeOut(flow, state, branch);
            SaveStep(batch, flow, state, loaded, step: null);
            try
            {
                await ContinueAsync(batch, state.Id, state, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyException e)
            {
                FlowTelemetry.EndRun(run, null, null, e);
                continue; // answered (or otherwise moved on) since it was read: the answer's step cleared the timer
            }

            FlowTelemetry.Waited(time.GetUtcNow() - waitingSince, state.FlowName, "timeout");
            FlowTelemetry.EndRun(run, state.Status, state.Incident);
            fired++;
        }

        return fired;
    }

    /// <summary>The instance as callers see it (without secret outputs: those go only to the caller that ran the step).</summary>
    /// <exception cref="InstanceNotFoundException">No such instance.</exception>
    public Task<RunResult> GetResultAsync(string instanceId, CancellationToken cancellationToken) => GetResultAsync(instanceId, null, cancellationToken);

    private async Task<RunResult> GetResultAsync(string instanceId, Dictionary<string, JsonElement>? delivered, CancellationToken cancellationToken)
    {
        InstanceState state = await store.GetAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? throw new InstanceNotFoundException(instanceId);
        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync(instanceId, cancellationToken).ConfigureAwait(false);
        BoundFlow? flow = await flows.ResolveAsync(state.FlowName, state.FlowHash, cancellationToken).ConfigureAwait(false);
        return ResultOf(state, flow, EnteredNodes(journal), delivered);
    }

    // The flow version an instance runs, bound as it was when it started (null when the version is not stored).
    private async ValueTask<BoundFlow?> FlowOfAsync(InstanceState state, CancellationToken cancellationToken)
    {
        BoundFlow? flow;
        try
        {
            flow = await flows.ResolveAsync(state.FlowName, state.FlowHash, cancellationToken).ConfigureAwait(false);
        }
        catch (VersionNotBindableException e)
        {
            throw new FlowNotRunnableException(e.Message);
        }

        if (flow is not null && state.BindingHash is { } started && started != flow.BindingHash)
        {
            throw new FlowNotRunnableException(
                $"instance '{state.Id}' of flow '{state.FlowName}' started with handlers on other nodes than this process gives them "
                + $"(here {flow.DescribeBindings()}); it is left as it was: run it where the same activity assemblies (--activities) and bindings file are loaded as when it started");
        }

        return flow;
    }

    private static ImmutableArray<string> EnteredNodes(IReadOnlyList<JournalEntry> journal) =>
        [.. journal.Where(e => e.Event == JournalEvent.Enter).Select(e => e.NodeId!)];

    private static RunResult ResultOf(InstanceState state, BoundFlow? flow, ImmutableArray<string> path, Dictionary<string, JsonElement>? delivered)
    {
        ImmutableArray<WaitingNode> waiting = [.. state.Branches
            .Where(b => b.Status == BranchStatus.Waiting)
            .Select(b =>
            {
                FlowNode? node = flow?.Graph.FindNode(b.NodeId);
                return new WaitingNode(b.NodeId, node?.Lane, node?.Label ?? b.NodeId, b.Wait ?? WaitRequest.Confirmation);
            })];
        return new RunResult(
            state.Id,
            state.Status,
            state.Version,
            path,
            waiting,
            state.Outputs.ToImmutableDictionary(StringComparer.Ordinal).SetItems(delivered ?? []),
            state.Incident);
    }

    private static string Describe(InstanceState state) => state.Status switch
    {
        InstanceStatus.Completed => "the instance has completed",
        InstanceStatus.Faulted => "the instance has faulted",
        _ when state.Branches.Any(b => b.Status == BranchStatus.Waiting) =>
            "it waits at " + string.Join(", ", state.Branches.Where(b => b.Status == BranchStatus.Waiting).Select(b => b.NodeId)),
        _ => "nothing waits",
    };
}
