using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Binding;

/// <summary>
/// The second stage: resolves a syntax tree into a <see cref="FlowGraph"/> and reports what does not resolve
/// (duplicate ids and lanes, undefined nodes, lane prefixes). The first declaration of an id wins; an edge step
/// whose ends are not both declared is left out of the graph.
/// </summary>
public static class FlowBinder
{
    /// <summary>Binds a tree.</summary>
    public static BindResult Bind(FlowDocument document)
    {
        var run = new Run(document);
        return new BindResult(run.Bind(), run.Diagnostics.ToImmutable());
    }

    private sealed class Run(FlowDocument document)
    {
        private readonly Dictionary<string, FlowLane> _lanes = new(StringComparer.Ordinal);
        private readonly List<string> _laneOrder = [];
        private readonly Dictionary<string, (NodeSyntax Syntax, string? Lane)> _nodes = new(StringComparer.Ordinal);
        private readonly List<string> _nodeOrder = [];

        public ImmutableArray<Diagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<Diagnostic>();

        public FlowGraph Bind()
        {
            var edgeStatements = new List<EdgeSyntax>();
            var loopStatements = new List<LoopSyntax>();
            foreach ((StatementSyntax statement, LaneSyntax? lane) in document.StatementsWithLanes())
            {
                switch (statement)
                {
                    case LaneSyntax block:
                        DeclareLane(block);
                        break;
                    case NodeSyntax node:
                        DeclareNode(node, lane?.Id.Text);
                        break;
                    case EdgeSyntax edge:
                        edgeStatements.Add(edge);
                        break;
                    case LoopSyntax loop:
                        loopStatements.Add(loop);
                        break;
                }
            }

            var edges = new List<EdgeStep>();
            foreach (EdgeSyntax edge in edgeStatements)
            {
                CheckReferences(edge);
                edges.AddRange(Steps(edge));
            }

            var loops = ImmutableArray.CreateBuilder<FlowLoop>(loopStatements.Count);
            foreach (LoopSyntax loop in loopStatements)
            {
                foreach (SyntaxToken node in loop.Nodes.Where(n => !_nodes.ContainsKey(n.Text)))
                {
                    ReportUndefined(node);
                }

                loops.Add(new FlowLoop(loop.Condition, [.. loop.Nodes.Select(n => n.Text).Where(_nodes.ContainsKey)], loop));
            }

            return Assemble(edges, loops.MoveToImmutable());
        }

        private void DeclareLane(LaneSyntax block)
        {
            string id = block.Id.Text;
            if (_lanes.TryGetValue(id, out FlowLane? earlier))
            {
                Report(Descriptors.DuplicateLane, block.Id.Span, "merge the two blocks or rename one lane", id, LineOf(earlier.Syntax.Id.Span));
                return;
            }

            string label = block.DisplayLabel is { Text.Length: > 0 } written ? written.Text : id;
            _lanes.Add(id, new FlowLane(_laneOrder.Count, id, label, block));
            _laneOrder.Add(id);
        }

        private void DeclareNode(NodeSyntax node, string? lane)
        {
            string id = node.Id.Text;
            if (_nodes.TryGetValue(id, out var earlier))
            {
                Report(Descriptors.DuplicateNodeId, node.Id.Span, "node ids are unique across all lanes: give this node the next free id",
                    id, LineOf(earlier.Syntax.Id.Span));
                return;
            }

            _nodes.Add(id, (node, lane));
            _nodeOrder.Add(id);
        }

        // FZ1002-FZ1004 and FZ3017: every endpoint names a declared node, in the lane its prefix says (reference §4).
        private void CheckReferences(EdgeSyntax edge)
        {
            string? sourceLane = _nodes.TryGetValue(edge.Path[0].Node.Text, out var source) ? source.Lane : null;
            bool sourceDeclared = _nodes.ContainsKey(edge.Path[0].Node.Text);
            for (int i = 0; i < edge.Path.Length; i++)
            {
                EndpointSyntax endpoint = edge.Path[i];
                if (endpoint.Lane is { } unknown && !_lanes.ContainsKey(unknown.Text))
                {
                    Report(Descriptors.UnknownLanePrefix, unknown.Span, "the prefix must be a lane id exactly (case-sensitive)",
                        unknown.Text, Suggestions.DidYouMean(unknown.Text, _laneOrder));
                }

                if (!_nodes.TryGetValue(endpoint.Node.Text, out var node))
                {
                    ReportUndefined(endpoint.Node);
                    continue;
                }

                string id = endpoint.Node.Text;
                if (endpoint.Lane is { } prefix && _lanes.ContainsKey(prefix.Text) && prefix.Text != node.Lane)
                {
                    Report(Descriptors.WrongLanePrefix, prefix.Span, node.Lane is null ? "remove the prefix" : $"write '{node.Lane}.{id}'",
                        id, node.Lane ?? "(none)", prefix.Text);
                }
                else if (i > 0 && endpoint.Lane is null && sourceDeclared && node.Lane is not null && sourceLane != node.Lane)
                {
                    Report(Descriptors.MissingLanePrefix, endpoint.Node.Span, $"write '{node.Lane}.{id}'", id, node.Lane);
                }
            }
        }

        // One step per pair of neighbouring endpoints whose nodes are both declared. Handles not written are inferred:
        // right to left within a lane, bottom to top across lanes (reference §4 "Handles").
        private IEnumerable<EdgeStep> Steps(EdgeSyntax edge)
        {
            string? label = edge.Label is { Value.Value: { Length: > 0 } text } ? text : null;
            for (int i = 0; i + 1 < edge.Path.Length; i++)
            {
                EndpointSyntax from = edge.Path[i];
                EndpointSyntax to = edge.Path[i + 1];
                if (_nodes.TryGetValue(from.Node.Text, out var source) && _nodes.TryGetValue(to.Node.Text, out var target))
                {
                    bool sameLane = source.Lane == target.Lane;
                    yield return new EdgeStep(
                        from.Node.Text,
                        to.Node.Text,
                        label,
                        SyntaxFacts.Direction(from.Handle) ?? (sameLane ? HandleDirection.Right : HandleDirection.Bottom),
                        SyntaxFacts.Direction(to.Handle) ?? (sameLane ? HandleDirection.Left : HandleDirection.Top),
                        from.Handle is null || to.Handle is null,
                        edge);
                }
            }
        }

        private FlowGraph Assemble(List<EdgeStep> steps, ImmutableArray<FlowLoop> loops)
        {
            var index = new Dictionary<string, int>(_nodeOrder.Count, StringComparer.Ordinal);
            foreach (string id in _nodeOrder)
            {
                index.Add(id, index.Count);
            }

            ImmutableArray<FlowEdge> edges = [.. steps.Select((s, i) => new FlowEdge(i, s.From, s.To, index[s.From], index[s.To], s.Label, s.FromHandle, s.ToHandle, s.HandlesInferred, s.Syntax))];
            var outgoing = edges.ToLookup(e => e.FromIndex);
            var incoming = edges.ToLookup(e => e.ToIndex);
            ImmutableArray<FlowNode> nodes = [.. _nodeOrder.Select((id, i) =>
            {
                (NodeSyntax syntax, string? lane) = _nodes[id];
                NodeShape shape = SyntaxFacts.Shape(syntax.Shape.Text);
                ImmutableArray<FlowEdge> exits = [.. outgoing[i]];
                ImmutableArray<FlowEdge> entries = [.. incoming[i]];
                var attributes = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                foreach (AttributeSyntax attribute in syntax.Attributes)
                {
                    attributes[attribute.Key.Text] = attribute.Value.Value;
                }

                return new FlowNode(i, id, lane, shape, Kind(shape, entries.Length, exits.Length), attributes.ToImmutable(), exits, entries, syntax);
            })];
            return new FlowGraph(document, [.. _laneOrder.Select(id => _lanes[id])], nodes, edges, loops);
        }

        // Product design §4: start = circle without incoming edges, end = circle without outgoing ones, else a milestone.
        private static NodeKind Kind(NodeShape shape, int incoming, int outgoing) => shape switch
        {
            NodeShape.Circle when incoming == 0 => NodeKind.Start,
            NodeShape.Circle when outgoing == 0 => NodeKind.End,
            NodeShape.Circle => NodeKind.Milestone,
            NodeShape.Diamond => NodeKind.Decision,
            _ => NodeKind.Activity,
        };

        private void ReportUndefined(SyntaxToken node) =>
            Report(Descriptors.UndefinedNode, node.Span, "declare it in a lane, e.g. '" + node.Text + ": rectangle label:\"...\"'",
                node.Text, Suggestions.DidYouMean(node.Text, _nodeOrder));

        private int LineOf(TextSpan span) => document.Source.GetLinePosition(span.Start).Line + 1;

        private void Report(DiagnosticDescriptor descriptor, TextSpan span, string hint, params object?[] arguments) =>
            Diagnostics.Add(Diagnostic.Create(descriptor, new SourceSpan(document.Source.Path, span.Start, span.Length), hint, arguments));

        private sealed record EdgeStep(string From, string To, string? Label, HandleDirection FromHandle, HandleDirection ToHandle, bool HandlesInferred, EdgeSyntax Syntax);
    }
}
