using FlowRunner.Engine.Activities;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;

namespace FlowRunner.Engine.Runtime.Steps;

/// <summary>
/// A rectangle or taskbox: its bound handler runs, or, unbound, it is a manual task that waits for its declared input.
/// A wait that passes its deadline leaves by the exit labelled "Timeout" (or faults without one).
/// </summary>
internal class ActivityExecutor : NodeExecutor
{
    private static readonly string[] TimeoutLabels = ["timeout", "timed out", "expired", "deadline"];

    public override async Task ExecuteAsync(Step step, CancellationToken cancellationToken)
    {
        if (step.Branch.TimedOut)
        {
            TimeOut(step);
            return;
        }

        string? outcome;
        if (step.Binding.Handler is { } handler)
        {
            if (await step.RunHandlerAsync(handler, cancellationToken).ConfigureAwait(false) is not { } done)
            {
                return; // it waits, or the instance faulted
            }

            outcome = done.Outcome;
        }
        else if (OutcomeWithoutHandler(step) is { } decided)
        {
            outcome = decided;
        }
        else if (step.Answer is null)
        {
            step.Wait(Request(step));
            return;
        }
        else
        {
            outcome = step.TakeAnswer();
        }

        step.Journal(JournalEvent.Complete, outcome, null);
        Leave(step, outcome);
    }

    /// <summary>An outcome an unbound node gets without asking anyone; none for an activity.</summary>
    protected virtual string? OutcomeWithoutHandler(Step step) => null;

    /// <summary>What an unbound node asks for: the input its binding declares (none: a go-ahead).</summary>
    protected virtual WaitRequest Request(Step step) => WaitRequest.ForFields(step.Binding.Input);

    /// <summary>Where the branch goes after the node.</summary>
    protected virtual void Leave(Step step, string? outcome) => step.MoveOn(outcome);

    private static void TimeOut(Step step)
    {
        step.Branch.TimedOut = false;
        FlowEdge? exit = step.Node.Outgoing.FirstOrDefault(e => e.Label is { } label && TimeoutLabels.Contains(ActivityRegistry.Normalize(label)));
        if (exit is null)
        {
            step.Fault(IncidentCode.Deadline, $"the wait at '{step.Node.Id}' (\"{step.Node.DisplayText}\") passed its deadline and the node has no exit labelled \"Timeout\"");
            return;
        }

        step.Journal(JournalEvent.Complete, "timeout", null);
        step.Follow(exit.To, "timeout");
    }
}
