using FlowRunner.Engine.Activities;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>
/// A diamond: exactly one exit is taken. The outcome comes from its bound handler, else from the activity before it,
/// else the caller chooses among its exits.
/// </summary>
internal sealed class DecisionExecutor : ActivityExecutor
{
    protected override string? OutcomeWithoutHandler(Step step) => step.Answer is null ? step.Branch.PreviousOutcome : null;

    protected override WaitRequest Request(Step step) => step.Node.Outgoing.Length > 1
        ? WaitRequest.ForChoice(step.Node.Outgoing.Select(e => e.Label ?? e.To))
        : base.Request(step);

    /// <summary>
    /// The only exit; else the one whose label matches the outcome; else the unlabeled exit to the node the caller named;
    /// else the single unlabeled exit (the default branch). Anything else is an incident, never a silent wrong turn.
    /// </summary>
    protected override void Leave(Step step, string? outcome)
    {
        FlowNode node = step.Node;
        if (node.Outgoing.IsEmpty)
        {
            step.EndBranch();
            return;
        }

        FlowEdge[] unlabeled = [.. node.Outgoing.Where(e => e.Label is null)];
        FlowEdge? chosen = node.Outgoing.Length == 1 ? node.Outgoing[0]
            : node.Outgoing.FirstOrDefault(e => outcome is not null && Outcomes.Matches(outcome, e.Label))
            ?? unlabeled.FirstOrDefault(e => outcome is not null && ActivityRegistry.Normalize(outcome) == ActivityRegistry.Normalize(e.To))
            ?? (unlabeled.Length == 1 ? unlabeled[0] : null);
        if (chosen is null)
        {
            string labels = string.Join(", ", node.Outgoing.Select(e => e.Label is null ? "(unlabeled)" : "\"" + e.Label + "\""));
            step.Fault(IncidentCode.OutcomeMismatch,
                $"decision '{node.Id}' (\"{node.DisplayText}\") got outcome {(outcome is null ? "none" : "\"" + outcome + "\"")}, which matches none of its exits ({labels})");
            return;
        }

        step.Follow(chosen.To, outcome: null);
    }
}
