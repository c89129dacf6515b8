using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ3014 long labels and FZ3020 missing labels (reference §3 "Strings", "Attributes").</summary>
internal sealed class LabelRule : IFlowRule
{
    /// <summary>FlowZap's validator warns above this many characters.</summary>
    public const int MaxLabelLength = 50;

    public void Analyze(RuleContext context)
    {
        foreach (NodeModel node in context.Model.Nodes)
        {
            AttributeSyntax? label = node.Syntax.Attributes.LastOrDefault(a => a.Key.Text == "label");
            if (label is null)
            {
                bool taskboxWithDescription = node.Shape == NodeShape.Taskbox && node.Attributes.ContainsKey("description");
                if (!taskboxWithDescription)
                {
                    context.Report(Descriptors.MissingLabel, node.Syntax.Span, $"add label:\"...\" to '{node.Id}'", node.Id);
                }
            }
            else if (node.Shape != NodeShape.Taskbox || node.SubItems.IsEmpty)
            {
                Check(context, node.Id, label);
            }
        }
    }

    public void Visit(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is EdgeSyntax { Label: { Value.Value.Length: > MaxLabelLength } label } edge)
        {
            Check(context, $"{edge.Path[0].Node.Text} -> {edge.Path[^1].Node.Text}", label);
        }
    }

    private static void Check(RuleContext context, string owner, AttributeSyntax label)
    {
        int length = label.Value.Value.Length;
        if (length > MaxLabelLength)
        {
            context.Report(Descriptors.LongLabel, label.Value.Span, "shorten it; put detail in a description attribute", owner, length, MaxLabelLength);
        }
    }
}
