using System.Collections.Immutable;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Graph;

/// <summary>A declared node (the first declaration of its id) with its edges.</summary>
/// <param name="Index">The position in <see cref="FlowGraph.Nodes"/>: declaration order.</param>
/// <param name="Id">The id, e.g. <c>n1</c>.</param>
/// <param name="Lane">The lane it is declared in; null outside every lane.</param>
/// <param name="Shape">The shape.</param>
/// <param name="Kind">What it does at run time (start, end, milestone, activity, decision).</param>
/// <param name="Attributes">The attributes by key; the last value of a repeated key wins.</param>
/// <param name="Outgoing">The edges leaving it, in definition order.</param>
/// <param name="Incoming">The edges entering it, in definition order.</param>
/// <param name="Syntax">The declaration.</param>
public sealed record FlowNode(
    int Index,
    string Id,
    string? Lane,
    NodeShape Shape,
    NodeKind Kind,
    ImmutableSortedDictionary<string, string> Attributes,
    ImmutableArray<FlowEdge> Outgoing,
    ImmutableArray<FlowEdge> Incoming,
    NodeSyntax Syntax)
{
    /// <summary>The <c>label</c> attribute, if written.</summary>
    public string? Label => Attributes.GetValueOrDefault("label");

    /// <summary>What a diagram shows and what binds the node to an activity: the label, else a taskbox's description, else the id (reference §10 row 11).</summary>
    public string DisplayText => Label ?? Attributes.GetValueOrDefault("description") ?? Id;

    /// <summary>A taskbox's sub-items (<c>label:"A|B|C"</c>); empty when there are none.</summary>
    public ImmutableArray<string> SubItems => Shape == NodeShape.Taskbox && Label is { } label && label.Contains('|', StringComparison.Ordinal)
        ? [.. label.Split('|').Select(s => s.Trim())]
        : [];
}
