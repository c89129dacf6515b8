using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1010, FZ1011, FZ1012: a decision takes exactly one of at least two distinct, labelled exits.</summary>
internal sealed class DecisionRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    // True when an earlier exit has the same label, ignoring case and surrounding spaces.
    private static bool IsLabelUsedBefore(ArraySegment<EdgeModel> exits, int index)
    {
        ReadOnlySpan<char> label = exits[index].Label.AsSpan().Trim();
        for (int j = 0; j < index; j++)
        {
            if (exits[j].Label is { } earlier && earlier.AsSpan().Trim().Equals(label, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public void Analyze(RuleContext context)
    {
        FlowModel model = context.Model;
        for (int index = 0; index < model.Nodes.Length; index++)
        {
            if (model.ShapeAt(index) != NodeShape.Diamond)
            {
                continue;
            }

            // Only the exits are read (they lie next to each other); the node object only when something is reported.
            ArraySegment<EdgeModel> exits = model.OutgoingAt(index);
            if (exits.Count == 0)
            {
                continue; // a dead end or an orphan, reported by GraphRule
            }

            if (exits.Count < 2)
            {
                NodeModel node = model.Nodes[index];
                context.Report(Descriptors.DecisionTooFewExits, node.Syntax.Id.Span,
                    "add the other branch (e.g. [label=\"No\"]) or make the node a rectangle", node.Id, exits.Count);
                continue;
            }

            // A handful of exits: comparing each label with the earlier ones beats a dictionary per decision.
            for (int i = 0; i < exits.Count; i++)
            {
                EdgeModel exit = exits[i];
                if (exit.Label is not { } label || label.AsSpan().Trim().Length == 0)
                {
                    context.Report(Descriptors.DecisionUnlabeledExit, exit.Syntax.Span,
                        "label each exit with the outcome that takes it, e.g. [label=\"Yes\"]", exit.From, exit.To);
                }
                else if (IsLabelUsedBefore(exits, i))
                {
                    context.Report(Descriptors.DecisionDuplicateExitLabel, exit.Syntax.Label!.Span,
                        "give each exit a different label so the outcome picks one", exit.From, label.Trim());
                }
            }
        }
    }
}
