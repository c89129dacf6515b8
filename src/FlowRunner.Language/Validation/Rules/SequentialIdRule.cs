using System.Globalization;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ3007: FlowZap numbers nodes n1..nN without gaps (reference §3 "IDs"; we warn, never renumber).</summary>
internal sealed class SequentialIdRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Analyze(RuleContext context)
    {
        var numbers = new HashSet<int>();
        int max = 0;
        foreach (NodeModel node in context.Model.Nodes)
        {
            if (NodeTable.TryParseNumber(node.Id, out int number))
            {
                numbers.Add(number);
                max = Math.Max(max, number);
            }
        }

        if (numbers.Count == 0 || numbers.Count == max)
        {
            return;
        }

        var missing = Enumerable.Range(1, max).Where(n => !numbers.Contains(n)).ToList();
        string list = string.Join(", ", missing.Take(5).Select(n => "n" + n.ToString(CultureInfo.InvariantCulture)))
            + (missing.Count > 5 ? string.Create(CultureInfo.InvariantCulture, $" and {missing.Count - 5} more") : string.Empty);
        context.Report(Descriptors.NonSequentialIds, context.Model.Nodes[0].Syntax.Id.Span,
            "FlowZap expects n1..nN without gaps; renumbering changes the ids edges refer to, so do it in one edit", list);
    }
}
