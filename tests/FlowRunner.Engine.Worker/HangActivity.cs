using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Worker;

/// <summary>
/// A node that takes <c>hang</c> long (for ever when null, zero when not hanging): the worker is killed or frozen inside
/// it, mid-instance.
/// </summary>
internal sealed class HangActivity(TimeSpan? hang) : IActivityHandler
{
    public string Type => "worker.hang";

    public IReadOnlyList<string> Outcomes => [];

    public IReadOnlyList<string> Labels => ["Hang"];

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (hang != TimeSpan.Zero)
        {
            await Task.Delay(hang ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }

        return ActivityResult.Done();
    }
}
