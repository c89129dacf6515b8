using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1001 duplicate ids and FZ3008 named ids (reference §3 "IDs").</summary>
internal sealed class NodeIdRule : IFlowRule
{
    public void Visit(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is not NodeSyntax node)
        {
            return;
        }

        string id = node.Id.Text;
        // The model keeps the first declaration of every id, so any other declaration is a duplicate.
        if (context.FindNode(id) is { Syntax: { } earlier } && !ReferenceEquals(earlier, node))
        {
            context.Report(Descriptors.DuplicateNodeId, node.Id.Span, "node ids are unique across all lanes: give this node the next free id",
                id, context.LineOf(earlier.Id.Span.Start));
            return;
        }

        if (!NodeTable.TryParseNumber(id, out _))
        {
            context.Report(Descriptors.NamedNodeId, node.Id.Span, "FlowZap numbers nodes n1, n2, ...; edges and loops must use the new id too", id);
        }
    }
}
