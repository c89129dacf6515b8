using FlowRunner.Engine.State;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>An end: the branch ends; the instance completes when its last branch does.</summary>
internal sealed class EndExecutor : NodeExecutor
{
    public override Task ExecuteAsync(Step step, CancellationToken cancellationToken)
    {
        step.EndBranch();
        step.Journal(JournalEvent.End, null, null);
        return Task.CompletedTask;
    }
}
