using System.Globalization;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ1001 duplicate ids, FZ3008 named ids, FZ3007 gaps in n1..nN (reference §3 "IDs").</summary>
internal sealed class NodeIdRule : IFlowRule
{
    public void Analyze(RuleContext context)
    {
        var first = new Dictionary<string, NodeSyntax>(StringComparer.Ordinal);
        var numbers = new HashSet<int>();
        NodeSyntax? firstNode = null;
        int max = 0;
        foreach ((StatementSyntax statement, _) in context.StatementsWithLane())
        {
            if (statement is not NodeSyntax node)
            {
                continue;
            }

            firstNode ??= node;
            string id = node.Id.Text;
            if (first.TryGetValue(id, out NodeSyntax? earlier))
            {
                context.Report(Descriptors.DuplicateNodeId, node.Id.Span, "node ids are unique across all lanes: give this node the next free id",
                    id, context.LineOf(earlier.Id.Span.Start));
                continue;
            }

            first.Add(id, node);
            if (TryParseNumber(id, out int number))
            {
                numbers.Add(number);
                max = Math.Max(max, number);
            }
            else
            {
                context.Report(Descriptors.NamedNodeId, node.Id.Span, "FlowZap numbers nodes n1, n2, ...; edges and loops must use the new id too", id);
            }
        }

        if (firstNode is not null && numbers.Count > 0 && numbers.Count < max)
        {
            var missing = Enumerable.Range(1, max).Where(n => !numbers.Contains(n)).ToList();
            string list = string.Join(", ", missing.Take(5).Select(n => "n" + n.ToString(CultureInfo.InvariantCulture)))
                + (missing.Count > 5 ? string.Create(CultureInfo.InvariantCulture, $" and {missing.Count - 5} more") : string.Empty);
            context.Report(Descriptors.NonSequentialIds, firstNode.Id.Span,
                "FlowZap expects n1..nN without gaps; renumbering changes the ids edges refer to, so do it in one edit", list);
        }
    }

    /// <summary>True for ids of the form n1, n2, ... (no leading zero).</summary>
    internal static bool TryParseNumber(string id, out int number)
    {
        number = 0;
        return id.Length >= 2 && id[0] == 'n' && id[1] != '0' && id.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
