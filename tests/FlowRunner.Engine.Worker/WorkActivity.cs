using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Worker;

/// <summary>A "Work" node that decides at once and writes nothing: the engine benchmark's flow (the benchmarks compile this file too).</summary>
internal sealed class WorkActivity : IActivityHandler
{
    public string Type => "bench.work";

    public IReadOnlyList<string> Outcomes => [];

    public IReadOnlyList<string> Labels => ["Work"];

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.Done());
}
