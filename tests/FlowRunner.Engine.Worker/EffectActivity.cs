using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Worker;

/// <summary>Writes one effect row per run of a node, in the step's commit: a duplicate would show a step done twice.</summary>
internal sealed class EffectActivity(string worker, TimeSpan work) : IActivityHandler
{
    public string Type => "worker.effect";

    public IReadOnlyList<string> Outcomes => [];

    public IReadOnlyList<string> Labels => ["Effect"];

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        // Work that takes a few milliseconds, as a real activity's does. Without it the engine runs the crash
        // test's 100 instances in about 0.1 s, so on a fast machine the worker finished before the random kill
        // times came and the test saw fewer than three kills. The floor does not depend on the machine's speed.
        if (work > TimeSpan.Zero)
        {
            await Task.Delay(work, cancellationToken).ConfigureAwait(false);
        }

        return ActivityResult.InCommit(async (data, _) =>
        {
            await data.Store<EffectStore>().RecordAsync(context.InstanceId, context.Node.Id, worker).ConfigureAwait(false);
            return ActivityResult.Done();
        });
    }
}
