using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Graph;

/// <summary>An edge between two declared nodes. A chain <c>a -> b -> c</c> gives one edge per step, sharing the label.</summary>
/// <param name="Index">The position in <see cref="FlowGraph.Edges"/>: definition order.</param>
/// <param name="From">The source node's id.</param>
/// <param name="To">The target node's id.</param>
/// <param name="FromIndex">The source node's index in <see cref="FlowGraph.Nodes"/>.</param>
/// <param name="ToIndex">The target node's index in <see cref="FlowGraph.Nodes"/>.</param>
/// <param name="Label">The label, or null when none is written or it is empty.</param>
/// <param name="FromHandle">The side it leaves from; inferred when not written.</param>
/// <param name="ToHandle">The side it enters; inferred when not written.</param>
/// <param name="HandlesInferred">True when either handle was not written.</param>
/// <param name="Syntax">The edge statement.</param>
public sealed record FlowEdge(
    int Index,
    string From,
    string To,
    int FromIndex,
    int ToIndex,
    string? Label,
    HandleDirection FromHandle,
    HandleDirection ToHandle,
    bool HandlesInferred,
    EdgeSyntax Syntax);
