namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>What one kind of node does when a branch runs it (product design §4, written down in flows/README.md).</summary>
internal abstract class NodeExecutor
{
    public abstract Task ExecuteAsync(Step step, CancellationToken cancellationToken);
}
