using FlowRunner.Language;
using FlowRunner.Language.Export;
using FlowRunner.Language.Model;

namespace FlowRunner.Engine.Runtime;

/// <summary>
/// Where an instance has been, read from its journal: visit counts, the edges it followed, where it waits and
/// where it faulted. The CLI (<c>render --instance</c>) and the web page draw it over the flow.
/// </summary>
public static class InstancePath
{
    /// <summary>The overlay for <paramref name="state"/> on <paramref name="model"/>.</summary>
    /// <remarks>
    /// The journal records node entries, not edges: an entry into B followed the edge from the node entered last
    /// before it that has an edge to B (the one labelled with that node's last outcome when there are several).
    /// </remarks>
    public static SvgOverlay Of(FlowModel model, InstanceState state, IReadOnlyList<JournalEntry> journal)
    {
        var visits = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<int>();
        var lastOutcome = new Dictionary<string, string?>(StringComparer.Ordinal);
        var entered = new List<string>();
        foreach (JournalEntry entry in journal)
        {
            if (entry.NodeId is not { } nodeId)
            {
                continue;
            }

            switch (entry.Event)
            {
                case "complete":
                    lastOutcome[nodeId] = entry.Outcome;
                    break;
                case "enter":
                    visits[nodeId] = visits.GetValueOrDefault(nodeId) + 1;
                    if (model.FindNode(nodeId) is { } target)
                    {
                        MarkEdgeInto(model, target, entered, lastOutcome, taken);
                    }

                    entered.Add(nodeId);
                    break;
            }
        }

        var waiting = new HashSet<string>(state.Branches.Where(b => b.Status == BranchStatus.Waiting).Select(b => b.NodeId), StringComparer.Ordinal);
        string? faulted = state.Status == InstanceStatus.Faulted ? state.Incident?.NodeId : null;
        return new SvgOverlay(visits, taken, waiting, faulted, StatusName(state.Status));
    }

    /// <summary>Draws an instance over the flow source it ran.</summary>
    public static string Render(string source, string path, InstanceState state, IReadOnlyList<JournalEntry> journal)
    {
        FlowModel model = FlowAnalysis.Analyze(source, path).Model;
        return SvgRenderer.Render(model, $"{state.FlowName}, instance {state.Id}", Of(model, state, journal));
    }

    /// <summary>The status as the API and CLI write it.</summary>
    public static string StatusName(InstanceStatus status) => status.ToString().ToLowerInvariant();

    private static void MarkEdgeInto(FlowModel model, NodeModel target, List<string> entered, Dictionary<string, string?> lastOutcome, HashSet<int> taken)
    {
        ArraySegment<EdgeModel> incoming = model.Incoming(target);
        for (int i = entered.Count - 1; i >= Math.Max(0, entered.Count - 500); i--)
        {
            string from = entered[i];
            EdgeModel? best = null;
            foreach (EdgeModel edge in incoming)
            {
                if (edge.From != from)
                {
                    continue;
                }

                if (best is null || (lastOutcome.GetValueOrDefault(from) is { } outcome && string.Equals(edge.Label, outcome, StringComparison.OrdinalIgnoreCase)))
                {
                    best = edge;
                }
            }

            if (best is not null)
            {
                taken.Add(best.Index);
                return;
            }
        }
    }
}
