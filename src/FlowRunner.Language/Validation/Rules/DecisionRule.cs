using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1010, FZ1011, FZ1012: a decision takes exactly one of at least two distinct, labelled exits.</summary>
internal sealed class DecisionRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Analyze(RuleContext context)
    {
        foreach (NodeModel node in context.Model.Nodes)
        {
            if (node.Shape != NodeShape.Diamond)
            {
                continue;
            }

            IReadOnlyList<EdgeModel> exits = context.Model.Outgoing(node);
            if (exits.Count == 0)
            {
                continue; // a dead end or an orphan, reported by GraphRule
            }

            if (exits.Count < 2)
            {
                context.Report(Descriptors.DecisionTooFewExits, node.Syntax.Id.Span,
                    "add the other branch (e.g. [label=\"No\"]) or make the node a rectangle", node.Id, exits.Count);
                continue;
            }

            var labels = new Dictionary<string, EdgeModel>(StringComparer.OrdinalIgnoreCase);
            foreach (EdgeModel exit in exits)
            {
                if (exit.Label is not { } label || label.Trim().Length == 0)
                {
                    context.Report(Descriptors.DecisionUnlabeledExit, exit.Syntax.Span,
                        "label each exit with the outcome that takes it, e.g. [label=\"Yes\"]", node.Id, exit.To);
                }
                else if (!labels.TryAdd(label.Trim(), exit))
                {
                    context.Report(Descriptors.DecisionDuplicateExitLabel, exit.Syntax.Label!.Span,
                        "give each exit a different label so the outcome picks one", node.Id, label.Trim());
                }
            }
        }
    }
}
