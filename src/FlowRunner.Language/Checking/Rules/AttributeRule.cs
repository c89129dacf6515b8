using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ3001, FZ3002, FZ3018, FZ3019: attribute keys and separators (reference §3 "Attributes", §4 "Edge label").</summary>
internal sealed class AttributeRule : StatementRule
{
    private static readonly string[] NodeKeys = ["label", "owner", "description", "system"];

    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        switch (statement)
        {
            case NodeSyntax node:
                AnalyzeNode(context, node);
                break;
            case EdgeSyntax { Label: { } label }:
                if (label.Key.Text != "label")
                {
                    context.Report(Descriptors.UnknownAttribute, label.Key.Span, "an edge takes only [label=\"...\"]",
                        label.Key.Text, Suggestions.DidYouMean(label.Key.Text, ["label"]));
                }

                if (label.Separator == ':')
                {
                    context.Report(Descriptors.EdgeLabelColon, label.Span, $"write [{label.Key.Text}=\"{label.Value.Value}\"]");
                }

                break;
        }
    }

    // Nodes have at most a few attributes: a scan beats a hash set allocated per node.
    private static bool IsRepeated(NodeSyntax node, int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (node.Attributes[i].Key.Text == node.Attributes[index].Key.Text)
            {
                return true;
            }
        }

        return false;
    }

    private static void AnalyzeNode(RuleContext context, NodeSyntax node)
    {
        for (int i = 0; i < node.Attributes.Length; i++)
        {
            AttributeSyntax attribute = node.Attributes[i];
            string key = attribute.Key.Text;
            if (!NodeKeys.Contains(key))
            {
                context.Report(Descriptors.UnknownAttribute, attribute.Key.Span,
                    "FlowZap allows label, owner, description and system; keep other settings in a file beside the flow",
                    key, Suggestions.DidYouMean(key, NodeKeys));
            }

            if (IsRepeated(node, i))
            {
                context.Report(Descriptors.DuplicateAttribute, attribute.Span, "remove one of them", key, node.Id.Text);
            }

            if (attribute.Separator == '=')
            {
                context.Report(Descriptors.NodeAttributeEquals, attribute.Span, $"write {key}:\"{attribute.Value.Value}\"", key);
            }
        }
    }
}
