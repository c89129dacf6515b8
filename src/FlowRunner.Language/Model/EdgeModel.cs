using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>A resolved edge. A chain <c>a -> b -> c</c> gives one edge per step, all sharing the label.</summary>
/// <param name="Index">The edge's position in definition order (the sequence view's order).</param>
/// <param name="From">The source node id.</param>
/// <param name="To">The target node id.</param>
/// <param name="Label">The edge label, or null when none is written or it is empty.</param>
/// <param name="FromHandle">The source handle; inferred when not written.</param>
/// <param name="ToHandle">The target handle; inferred when not written.</param>
/// <param name="HandlesInferred">True when either handle was not written.</param>
/// <param name="Syntax">The edge statement.</param>
public sealed record EdgeModel(
    int Index,
    string From,
    string To,
    string? Label,
    HandleDirection FromHandle,
    HandleDirection ToHandle,
    bool HandlesInferred,
    EdgeSyntax Syntax)
{
    /// <summary>The index of the source node in <see cref="FlowModel.Nodes"/>.</summary>
    public int FromIndex { get; init; }

    /// <summary>The index of the target node in <see cref="FlowModel.Nodes"/>.</summary>
    public int ToIndex { get; init; }
}
