using System.Collections.Immutable;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>A declared node with its lane (null outside every lane), shape and attributes (last value wins).</summary>
public sealed record NodeModel(string Id, string? Lane, NodeShape Shape, IReadOnlyDictionary<string, string> Attributes, NodeSyntax Syntax)
{
    /// <summary>The node's position in <see cref="FlowModel.Nodes"/>.</summary>
    public int Index { get; init; }

    /// <summary>The <c>label</c> attribute, if written.</summary>
    public string? Label => Attributes.GetValueOrDefault("label");

    /// <summary>What a diagram shows: the label, else a taskbox's description, else the id (reference §10 row 11).</summary>
    public string DisplayText => Label ?? Attributes.GetValueOrDefault("description") ?? Id;

    /// <summary>A taskbox's sub-items (<c>label:"A|B|C"</c>); empty when there are none.</summary>
    public ImmutableArray<string> SubItems => Shape == NodeShape.Taskbox && Label is { } label && label.Contains('|', StringComparison.Ordinal)
        ? [.. label.Split('|').Select(s => s.Trim())]
        : [];
}
