using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime;

/// <summary>
/// Joins of the branches that are actually active: a branch arriving at a node with several incoming edges
/// waits while another live branch (ready or waiting, not itself joining) can still reach that node; then the
/// branches gathered there merge into one. Branches that can no longer arrive are not waited for.
/// </summary>
public sealed partial class FlowRuntime
{
    private static bool MustWaitAtJoin(FlowGraph graph, InstanceState state, Branch arriving) =>
        state.Branches.Any(other => other != arriving
            && other.Status != BranchStatus.Joining
            && other.NodeId != arriving.NodeId
            && graph.CanReach(graph.FindNode(other.NodeId)!, graph.FindNode(arriving.NodeId)!));

    /// <summary>The branches gathered at the node (joining, or arrived and not yet run) merge into the one that proceeds.</summary>
    private static void MergeJoinedBranches(InstanceState state, Branch proceeding) =>
        state.Branches.RemoveAll(b => b != proceeding && b.NodeId == proceeding.NodeId && b.Status is BranchStatus.Joining or BranchStatus.Ready);

    /// <summary>After each step: a joining branch that nothing active can still reach goes on.</summary>
    private static void ReleaseJoins(FlowGraph graph, InstanceState state)
    {
        if (!state.Branches.Exists(b => b.Status == BranchStatus.Joining))
        {
            return; // most steps: nothing waits at a join
        }

        foreach (Branch joining in state.Branches.Where(b => b.Status == BranchStatus.Joining).ToList())
        {
            if (state.Branches.Contains(joining) && !MustWaitAtJoin(graph, state, joining))
            {
                joining.Status = BranchStatus.Ready;
                state.Branches.RemoveAll(b => b != joining && b.NodeId == joining.NodeId && b.Status == BranchStatus.Joining);
            }
        }
    }
}
