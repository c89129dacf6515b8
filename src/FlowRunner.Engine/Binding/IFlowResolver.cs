
namespace FlowRunner.Engine.Binding;

/// <summary>Finds the bound flow an instance is pinned to, by name and content hash.</summary>
public interface IFlowResolver
{
    /// <summary>The flow version, or null when it is known nowhere.</summary>
    ValueTask<BoundFlow?> ResolveAsync(string name, string hash, CancellationToken cancellationToken);
}
