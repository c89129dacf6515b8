using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Runtime;
using FlowRunner.Storage.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Hosting;

/// <summary>At start-up: migrate, load the flows, recover interrupted instances; then fire due timers and reload edited flows.</summary>
internal sealed partial class FlowRunnerHostedService(
    SqliteInstanceStore store,
    FlowHost host,
    FlowRuntime runtime,
    FlowRunnerOptions options,
    ILogger<FlowRunnerHostedService> logger) : BackgroundService
{
    private FileSystemWatcher? _watcher;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(IdentityActivities.Migrations, cancellationToken).ConfigureAwait(false);
        host.LoadAll();
        int recovered = await runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(logger, host.Flows.Count, Path.GetFullPath(options.FlowsFolder), recovered);
        _watcher = new FileSystemWatcher(Path.GetFullPath(options.FlowsFolder)) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        _watcher.Changed += (_, e) => Reload(e.FullPath);
        _watcher.Created += (_, e) => Reload(e.FullPath);
        _watcher.Renamed += (_, e) => Reload(e.FullPath);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.TimerInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await runtime.FireDueTimersAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTimerError(logger, e.Message);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Count} flows from {Folder}; recovered {Recovered} interrupted instances")]
    private static partial void LogStarted(ILogger logger, int count, string folder, int recovered);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing timers failed: {Reason}")]
    private static partial void LogTimerError(ILogger logger, string reason);
}
