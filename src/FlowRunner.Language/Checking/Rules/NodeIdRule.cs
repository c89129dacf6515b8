using FlowRunner.Language.Binding;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ3008: ids other than n1, n2, ... (reference §3 "IDs"); a duplicate declaration gets FZ1001 from the binder instead.</summary>
internal sealed class NodeIdRule : StatementRule
{
    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is not NodeSyntax node)
        {
            return;
        }

        string id = node.Id.Text;
        if (ReferenceEquals(context.Graph.FindNode(id)?.Syntax, node) && !SyntaxFacts.TryParseNodeNumber(id, out _))
        {
            context.Report(Descriptors.NamedNodeId, node.Id.Span, "FlowZap numbers nodes n1, n2, ...; edges and loops must use the new id too", id);
        }
    }
}
