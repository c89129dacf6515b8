using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Hosting;

/// <summary>At start-up: migrate, load the flows, recover interrupted instances; then fire due timers and reload edited flows.</summary>
internal sealed partial class FlowRunnerHostedService(
    IInstanceStore store,
    FlowHost host,
    FlowRuntime runtime,
    FlowRunnerOptions options,
    TimeProvider time,
    ILogger<FlowRunnerHostedService> logger,
    IServiceProvider services) : BackgroundService
{
    /// <summary>How long a file must stay quiet before it is reloaded: editors and <c>File.WriteAllText</c> raise several events per save, the first while the file is half written.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(200);

    private readonly Lock _reloadGate = new();
    private readonly Dictionary<string, Timer> _pendingReloads = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _refusals = new(StringComparer.Ordinal);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (host.Flows.Count == 0)
        {
            host.LoadAll(); // MapFlows loads them; a host that maps nothing still runs its instances
        }

        runtime.InstanceRefused += (_, e) => LogRefusedOnce(e);
        int recovered = await runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(logger, host.Flows.Count, Path.GetFullPath(options.FlowsFolder), recovered);
        _watcher = new FileSystemWatcher(Path.GetFullPath(options.FlowsFolder)) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        _watcher.Changed += (_, e) => ScheduleReload(e.FullPath);
        _watcher.Created += (_, e) => ScheduleReload(e.FullPath);
        _watcher.Renamed += (_, e) => ScheduleReload(e.FullPath);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What this node was running when it stopped goes to the other nodes at their next sweep, not after its lease.
        IReadOnlyCollection<string> running = runtime.Running;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await store.ReleaseLeasesAsync(running, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTimerError(logger, e.Message);
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        lock (_reloadGate)
        {
            foreach (Timer timer in _pendingReloads.Values)
            {
                timer.Dispose();
            }

            _pendingReloads.Clear();
        }

        base.Dispose();
    }

    private static readonly TimeSpan OverdueRetry = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task heartbeat = RenewLeasesAsync(stoppingToken);
        DateTimeOffset nextPrune = time.GetUtcNow(); // at start-up, then every PruneInterval
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Until the next timer is due, at most TimerInterval; at once when another node gives work up or a
                // step sets a timer (PostgreSQL LISTEN/NOTIFY across nodes; SQLite within this process). A timer
                // already overdue (its instance busy on another node) is retried after OverdueRetry, not in a spin.
                TimeSpan wait = options.TimerInterval;
                if (await store.NextTimerDueAsync(stoppingToken).ConfigureAwait(false) is { } due)
                {
                    TimeSpan until = due - time.GetUtcNow();
                    wait = until > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(until.Ticks, wait.Ticks)) : TimeSpan.FromTicks(Math.Min(OverdueRetry.Ticks, wait.Ticks));
                }

                await store.WaitForWorkAsync(wait, stoppingToken).ConfigureAwait(false);

                // Instances a stopped node left running, once their lease ran out; then due timers.
                int taken = await runtime.SweepAsync(stoppingToken).ConfigureAwait(false);
                if (taken > 0)
                {
                    LogTakenOver(logger, taken);
                }

                await runtime.FireDueTimersAsync(stoppingToken).ConfigureAwait(false);
                if (time.GetUtcNow() >= nextPrune)
                {
                    // Finished instances and old events go only with a retention; rate buckets idle for an hour and
                    // expired codes have no use left and always go (else every new client address would add a row for good).
                    DateTimeOffset now = time.GetUtcNow();
                    nextPrune = now + options.PruneInterval;
                    DateTimeOffset before = options.Retention is { } retention ? now - retention : DateTimeOffset.MinValue;
                    int pruned = await store.PruneAsync(before, stoppingToken).ConfigureAwait(false);
                    if (options.Retention is { } kept)
                    {
                        LogPruned(logger, pruned, kept.TotalDays);
                    }

                    if (services.GetService(typeof(FlowRunner.Activities.Identity.IdentityServices)) is not null)
                    {
                        await using FlowRunner.Engine.Activities.IUnitOfWork work = await store.BeginWorkAsync(stoppingToken).ConfigureAwait(false);
                        await work.Store<FlowRunner.Activities.Identity.Data.IIdentityStore>().PruneAsync(now, before).ConfigureAwait(false);
                        await work.CommitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTimerError(logger, e.Message);
            }
        }

        await heartbeat.ConfigureAwait(false);
    }

    /// <summary>Renews the leases of the instances this node is running, a third of a lease apart, however long a handler takes.</summary>
    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(store.Lease.Duration / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await runtime.RenewLeasesAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogTimerError(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Debounces watcher events per path; the reload itself runs under a gate, so loads never race and the last one reads the final content.</summary>
    private void ScheduleReload(string path)
    {
        lock (_reloadGate)
        {
            if (_pendingReloads.TryGetValue(path, out Timer? pending))
            {
                pending.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
                return;
            }

            _pendingReloads[path] = new Timer(_ => ReloadNow(path), null, QuietPeriod, Timeout.InfiniteTimeSpan);
        }
    }

    private void ReloadNow(string path)
    {
        lock (_reloadGate)
        {
            if (!_pendingReloads.Remove(path, out Timer? timer))
            {
                return; // disposed meanwhile
            }

            timer.Dispose();
            try
            {
                Reload(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogReloadError(logger, path, e.Message);
            }
        }
    }

    private void Reload(string path)
    {
        if (path.EndsWith(".flow", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".fz", StringComparison.OrdinalIgnoreCase))
        {
            host.Load(path);
        }
        else if (path.EndsWith(".bindings.json", StringComparison.OrdinalIgnoreCase))
        {
            host.LoadAll();
        }
    }

    // A refused instance is claimed again at every sweep or timer check: its reason is logged once (again if it changes).
    private void LogRefusedOnce(InstanceRefusedEventArgs e)
    {
        if (_refusals.TryGetValue(e.InstanceId, out string? logged) && logged == e.Reason)
        {
            return;
        }

        _refusals[e.InstanceId] = e.Reason;
        LogRefused(logger, e.InstanceId, e.Reason);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId} was not run and is left as it was: {Reason}")]
    private static partial void LogRefused(ILogger logger, string instanceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Count} flows from {Folder}; recovered {Recovered} interrupted instances")]
    private static partial void LogStarted(ILogger logger, int count, string folder, int recovered);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading {Path} failed; the previous version keeps serving: {Reason}")]
    private static partial void LogReloadError(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} finished instances older than {Days} days")]
    private static partial void LogPruned(ILogger logger, int count, double days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over {Count} running instances whose node stopped renewing their leases")]
    private static partial void LogTakenOver(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing timers, taking over instances, renewing leases or pruning failed: {Reason}")]
    private static partial void LogTimerError(ILogger logger, string reason);
}
