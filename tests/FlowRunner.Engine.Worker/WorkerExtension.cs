using System.Globalization;
using FlowRunner.Hosting;

namespace FlowRunner.Engine.Worker;

/// <summary>
/// The worker's "Effect" activity and its table, for <c>flowrunner serve --activities FlowRunner.Engine.Worker.dll</c>:
/// the kill test of several <c>serve</c> nodes counts effects as the worker's own tests do.
/// </summary>
public sealed class WorkerExtension : IFlowRunnerExtension
{
    /// <inheritdoc/>
    public void Configure(FlowRunnerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        TimeSpan work = TimeSpan.FromMilliseconds(int.Parse(Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_EFFECT_MS") ?? "5", CultureInfo.InvariantCulture));
        builder.AddActivity(new EffectActivity("serve-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), work))
            .AddSqliteStore(EffectStore.SqlitePack)
            .AddPostgresStore(EffectStore.PostgresPack);
    }
}
