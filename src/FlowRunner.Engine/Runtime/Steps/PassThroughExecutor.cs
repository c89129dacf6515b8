namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>A start or a milestone: recorded, then the branch moves on (several exits fork).</summary>
internal sealed class PassThroughExecutor : NodeExecutor
{
    public override Task ExecuteAsync(Step step, CancellationToken cancellationToken)
    {
        step.MoveOn(outcome: null);
        return Task.CompletedTask;
    }
}
