using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Rendering;

/// <summary>An instance's path on its diagram: drawn over the flow by <see cref="SvgRenderer"/>.</summary>
/// <param name="Visits">How many times each node was entered, by node id.</param>
/// <param name="TakenEdges">Indexes (<see cref="FlowEdge.Index"/>) of the edges the instance followed.</param>
/// <param name="Waiting">Nodes where the instance waits now.</param>
/// <param name="Faulted">The node where the instance faulted, or null.</param>
/// <param name="Status">The instance's status, shown in the title.</param>
public sealed record SvgOverlay(
    IReadOnlyDictionary<string, int> Visits,
    IReadOnlySet<int> TakenEdges,
    IReadOnlySet<string> Waiting,
    string? Faulted,
    string? Status)
{
    // How far back an entry looks for the node it came from (a long fork may interleave many branches).
    private const int Lookback = 500;

    /// <summary>
    /// The path of a trace on a graph. The journal records entries, not edges: an entry into B followed the edge
    /// from the node entered last before it that has an edge to B (the one labelled with that node's last outcome
    /// when there are several).
    /// </summary>
    public static SvgOverlay Of(FlowGraph graph, InstanceTrace trace)
    {
        var visits = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<int>();
        var lastOutcome = new Dictionary<string, string?>(StringComparer.Ordinal);
        var entered = new List<string>();
        foreach (TraceStep step in trace.Steps)
        {
            if (!step.IsEntry)
            {
                lastOutcome[step.NodeId] = step.Outcome;
                continue;
            }

            visits[step.NodeId] = visits.GetValueOrDefault(step.NodeId) + 1;
            if (graph.FindNode(step.NodeId) is { } target && EdgeInto(target, entered, lastOutcome) is { } edge)
            {
                taken.Add(edge.Index);
            }

            entered.Add(step.NodeId);
        }

        return new SvgOverlay(visits, taken, trace.Waiting, trace.Faulted, trace.Status);
    }

    private static FlowEdge? EdgeInto(FlowNode target, List<string> entered, Dictionary<string, string?> lastOutcome)
    {
        for (int i = entered.Count - 1; i >= Math.Max(0, entered.Count - Lookback); i--)
        {
            string from = entered[i];
            FlowEdge? best = null;
            foreach (FlowEdge edge in target.Incoming.Where(e => e.From == from))
            {
                if (best is null || (lastOutcome.GetValueOrDefault(from) is { } outcome && string.Equals(edge.Label, outcome, StringComparison.OrdinalIgnoreCase)))
                {
                    best = edge;
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }
}
