using System.Collections.Immutable;
using FlowRunner.Language.Model;

namespace FlowRunner.Engine.Graph;

/// <summary>A node of the compiled flow. <see cref="Outgoing"/> and <see cref="Incoming"/> are edge indexes.</summary>
public sealed record FlowNode(
    string Id,
    string? Lane,
    NodeShape Shape,
    NodeKind Kind,
    string Label,
    ImmutableArray<string> SubItems,
    ImmutableSortedDictionary<string, string> Attributes,
    ImmutableArray<int> Outgoing,
    ImmutableArray<int> Incoming,
    int Line)
{
    /// <summary>The span of the node's id in the source, for diagnostics.</summary>
    public Language.Text.TextSpan IdSpan { get; init; }
}
