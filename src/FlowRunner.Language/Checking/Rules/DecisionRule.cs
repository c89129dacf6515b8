using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ1010, FZ1011, FZ1012: a decision takes exactly one of at least two distinct, labelled exits.</summary>
internal sealed class DecisionRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Check(RuleContext context)
    {
        foreach (FlowNode node in context.Graph.Nodes.Where(n => n.Shape == NodeShape.Diamond && !n.Outgoing.IsEmpty))
        {
            // A decision without exits is a dead end or an orphan, reported by GraphRule.
            if (node.Outgoing.Length < 2)
            {
                context.Report(Descriptors.DecisionTooFewExits, node.Syntax.Id.Span,
                    "add the other branch (e.g. [label=\"No\"]) or make the node a rectangle", node.Id, node.Outgoing.Length);
                continue;
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (FlowEdge exit in node.Outgoing)
            {
                string label = exit.Label?.Trim() ?? string.Empty;
                if (label.Length == 0)
                {
                    context.Report(Descriptors.DecisionUnlabeledExit, exit.Syntax.Span,
                        "label each exit with the outcome that takes it, e.g. [label=\"Yes\"]", exit.From, exit.To);
                }
                else if (!seen.Add(label))
                {
                    context.Report(Descriptors.DecisionDuplicateExitLabel, exit.Syntax.Label!.Span,
                        "give each exit a different label so the outcome picks one", exit.From, label);
                }
            }
        }
    }
}
