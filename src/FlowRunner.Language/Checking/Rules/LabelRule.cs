using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ3014 long labels and FZ3020 missing labels (reference §3 "Strings", "Attributes").</summary>
internal sealed class LabelRule : StatementRule
{
    /// <summary>FlowZap's validator warns above this many characters.</summary>
    public const int MaxLabelLength = 50;

    // Only the declaration the graph keeps (the first of an id) is checked; a duplicate gets its own error.
    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is EdgeSyntax { Label: { Value.Value.Length: > MaxLabelLength } edgeLabel } edge)
        {
            Check(context, $"{edge.Path[0].Node.Text} -> {edge.Path[^1].Node.Text}", edgeLabel);
            return;
        }

        if (statement is not NodeSyntax syntax || context.Graph.FindNode(syntax.Id.Text) is not { } node || !ReferenceEquals(node.Syntax, syntax))
        {
            return;
        }

        AttributeSyntax? label = null;
        for (int i = syntax.Attributes.Length - 1; i >= 0 && label is null; i--)
        {
            if (syntax.Attributes[i].Key.Text == "label")
            {
                label = syntax.Attributes[i];
            }
        }

        if (label is null)
        {
            bool taskboxWithDescription = node.Shape == NodeShape.Taskbox && node.Attributes.ContainsKey("description");
            if (!taskboxWithDescription)
            {
                context.Report(Descriptors.MissingLabel, syntax.Span, $"add label:\"...\" to '{node.Id}'", node.Id);
            }
        }
        else if (node.Shape != NodeShape.Taskbox || node.SubItems.IsEmpty)
        {
            Check(context, node.Id, label);
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
