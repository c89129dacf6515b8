using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Worker;

/// <summary>A node that never finishes while <c>hang</c> is set: the worker is killed inside it, mid-instance.</summary>
internal sealed class HangActivity(bool hang) : IActivityHandler
{
    public string Type => "worker.hang";

    public IReadOnlyList<string> Outcomes => [];

    public IReadOnlyList<string> Labels => ["Hang"];

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        return ActivityResult.Done();
    }
}
