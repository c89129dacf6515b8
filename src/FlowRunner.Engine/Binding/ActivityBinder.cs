using System.Collections.Immutable;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Graph;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Text;

namespace FlowRunner.Engine.Binding;

/// <summary>
/// Binds each node to a handler: by the bindings file's "activity", else by the node's label, else nothing
/// (a manual task, or for a decision the preceding outcome or the caller's choice). Reports FZ2xxx.
/// </summary>
internal static class ActivityBinder
{
    /// <summary>Binds a compiled flow; <paramref name="bindings"/> is null when the flow has no bindings file.</summary>
    public static BindResult Bind(CompiledFlow compiled, ActivityRegistry registry, FlowBindings? bindings)
    {
        FlowGraph graph = compiled.Graph;
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        void Report(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] args) =>
            diagnostics.Add(Diagnostic.Create(descriptor, new SourceSpan(graph.Source.Path, span.Start, span.Length), hint, args));

        string bindingsName = bindings is null ? string.Empty : Path.GetFileName(bindings.Path);
        if (bindings is not null)
        {
            foreach (string id in bindings.Nodes.Keys.Where(id => graph.FindNode(id) is null).Order(StringComparer.Ordinal))
            {
                Report(Descriptors.BindingUnknownNode, default, $"remove the entry or fix the id in {bindingsName}",
                    bindingsName, id, Suggestions.DidYouMean(id, graph.Nodes.Select(n => n.Id)));
            }
        }

        var nodes = new Dictionary<string, NodeBinding>(StringComparer.Ordinal);
        var misbound = new HashSet<string>(StringComparer.Ordinal);
        foreach (FlowNode node in graph.Nodes)
        {
            FlowBindings.NodeSpec? spec = bindings?.Nodes.GetValueOrDefault(node.Id);
            IActivityHandler? handler = null;
            if (spec?.Activity is { } type)
            {
                handler = registry.Find(type);
                if (handler is null)
                {
                    misbound.Add(node.Id);
                    Report(Descriptors.UnknownActivity, node.Syntax.Id.Span, $"register a handler of type '{type}' or fix the name in {bindingsName}",
                        node.Id, type, Suggestions.DidYouMean(type, registry.Handlers.Select(h => h.Type)));
                }
            }
            else if (node.Kind is NodeKind.Activity or NodeKind.Decision)
            {
                handler = registry.FindByLabel(node.DisplayText);
            }

            if (handler is not null && spec is not null && handler.ValidateOptions(spec.Options) is { } problem)
            {
                Report(Descriptors.InvalidHandlerOptions, node.Syntax.Id.Span, $"fix \"options\" of {node.Id} in {bindingsName}", node.Id, handler.Type, problem);
            }

            nodes[node.Id] = new NodeBinding(
                handler,
                spec?.Options ?? NodeBinding.NoOptions,
                spec?.Input ?? ImmutableSortedDictionary<string, InputField>.Empty,
                spec?.Timeout);
        }

        var roles = graph.Lanes.ToDictionary(l => l.Id, l => bindings?.Lanes.GetValueOrDefault(l.Id, compiled.LaneRoles[l.Index]) ?? compiled.LaneRoles[l.Index], StringComparer.Ordinal);
        var flow = new BoundFlow(compiled, nodes, roles, bindings?.Mode ?? FlowMode.Durable);
        ReportUnbound(graph, flow, misbound, Report);
        ReportOutcomeMismatches(graph, flow, Report);
        return new BindResult(flow, diagnostics.ToImmutable());
    }

    private delegate void Reporter(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] args);

    private static void ReportUnbound(FlowGraph graph, BoundFlow flow, HashSet<string> misbound, Reporter report)
    {
        foreach (FlowNode node in graph.Nodes.Where(n => !misbound.Contains(n.Id)))
        {
            bool needsHandler = node.Kind == NodeKind.Activity
                || (node.Kind == NodeKind.Decision && PredecessorOutcomes(graph, flow, node).Count == 0);
            if (needsHandler && flow.For(node.Id).Handler is null && flow.Mode == FlowMode.Request)
            {
                report(Descriptors.RequestFlowWaits, node.Syntax.Id.Span,
                    $"bind it in {Path.GetFileName(FlowBindings.PathFor(graph.Source.Path))} with \"activity\", or make the flow durable (\"mode\": \"durable\")",
                    node.Id, node.DisplayText);
            }
            else if (needsHandler && flow.For(node.Id).Handler is null)
            {
                report(Descriptors.UnboundNode, node.Syntax.Id.Span,
                    $"bind it in {Path.GetFileName(FlowBindings.PathFor(graph.Source.Path))} with \"activity\", or name it after a registered activity's label",
                    node.Kind == NodeKind.Decision ? "decision" : "activity", node.Id, node.DisplayText);
            }
        }
    }

    private static void ReportOutcomeMismatches(FlowGraph graph, BoundFlow flow, Reporter report)
    {
        foreach (FlowNode node in graph.Nodes.Where(n => n.Kind == NodeKind.Decision && n.Outgoing.Length > 1))
        {
            IActivityHandler? own = flow.For(node.Id).Handler;
            IReadOnlyList<string> outcomes = own is not null ? own.Outcomes : PredecessorOutcomes(graph, flow, node);
            if (outcomes.Count == 0)
            {
                continue;
            }

            string[] labels = [.. node.Outgoing.Select(e => e.Label).OfType<string>()];
            if (!labels.Any(label => outcomes.Any(o => Outcomes.Matches(o, label))))
            {
                string source = own is not null ? $"its activity '{own.Type}'" : "the activities before it";
                report(Descriptors.DecisionOutcomeMismatch, node.Syntax.Id.Span,
                    $"label its exits with outcomes such as {string.Join(", ", outcomes.Select(o => "\"" + o + "\""))}",
                    node.Id, source, string.Join(", ", outcomes));
            }
        }
    }

    /// <summary>Outcomes the bound activities directly before a decision can produce.</summary>
    internal static IReadOnlyList<string> PredecessorOutcomes(FlowGraph graph, BoundFlow flow, FlowNode decision) =>
        [.. decision.Incoming
            .Select(e => flow.For(e.From).Handler)
            .OfType<IActivityHandler>()
            .SelectMany(h => h.Outcomes)
            .Distinct(StringComparer.OrdinalIgnoreCase)];
}
