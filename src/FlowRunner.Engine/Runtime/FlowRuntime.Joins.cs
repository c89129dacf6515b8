using System.Runtime.CompilerServices;
using FlowRunner.Engine.Graph;

namespace FlowRunner.Engine.Runtime;

/// <summary>
/// Joins of the branches that are actually active: a branch arriving at a node with several incoming edges
/// waits while another live branch (ready or waiting, not itself joining) can still reach that node; then the
/// branches gathered there merge into one. Branches that can no longer arrive are not waited for.
/// </summary>
public sealed partial class FlowRuntime
{
    private static readonly ConditionalWeakTable<FlowGraph, Dictionary<string, HashSet<string>>> ReachCache = [];

    private static bool MustWaitAtJoin(FlowGraph graph, InstanceState state, Branch arriving) =>
        state.Branches.Any(other => other != arriving
            && other.Status != BranchStatus.Joining
            && other.NodeId != arriving.NodeId
            && CanReach(graph, other.NodeId, arriving.NodeId));

    /// <summary>The branches gathered at the node (joining, or arrived and not yet run) merge into the one that proceeds.</summary>
    private static void MergeJoinedBranches(InstanceState state, Branch proceeding) =>
        state.Branches.RemoveAll(b => b != proceeding && b.NodeId == proceeding.NodeId && b.Status is BranchStatus.Joining or BranchStatus.Ready);

    /// <summary>After each step: a joining branch that nothing active can still reach goes on.</summary>
    private static void ReleaseJoins(FlowGraph graph, InstanceState state)
    {
        foreach (Branch joining in state.Branches.Where(b => b.Status == BranchStatus.Joining).ToList())
        {
            if (state.Branches.Contains(joining) && !MustWaitAtJoin(graph, state, joining))
            {
                joining.Status = BranchStatus.Ready;
                state.Branches.RemoveAll(b => b != joining && b.NodeId == joining.NodeId && b.Status == BranchStatus.Joining);
            }
        }
    }

    /// <summary>True when a path leads from one node to another (one or more edges), cached per graph.</summary>
    internal static bool CanReach(FlowGraph graph, string from, string to)
    {
        Dictionary<string, HashSet<string>> cache = ReachCache.GetValue(graph, _ => new Dictionary<string, HashSet<string>>(StringComparer.Ordinal));
        HashSet<string>? reached;
        lock (cache)
        {
            if (!cache.TryGetValue(from, out reached))
            {
                reached = new HashSet<string>(StringComparer.Ordinal);
                var queue = new Queue<string>([from]);
                while (queue.Count > 0)
                {
                    foreach (int edge in graph.Node(queue.Dequeue()).Outgoing)
                    {
                        string next = graph.Edges[edge].To;
                        if (reached.Add(next))
                        {
                            queue.Enqueue(next);
                        }
                    }
                }

                cache[from] = reached;
            }
        }

        return reached.Contains(to);
    }
}
