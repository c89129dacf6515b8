using System.Globalization;
using FlowRunner.Language.Binding;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ3007: FlowZap numbers nodes n1..nN without gaps (reference §3 "IDs"; we warn, never renumber).</summary>
internal sealed class SequentialIdRule : IFlowRule
{
    private const int Listed = 5;

    public bool NeedsCompleteTree => true;

    public void Check(RuleContext context)
    {
        // The gaps between the sorted numbers, so an id such as n2147483647 is never counted up to one by one.
        int[] numbers = [.. context.Graph.Nodes.Select(n => SyntaxFacts.TryParseNodeNumber(n.Id, out int number) ? number : 0).Where(n => n > 0).Order()];
        long missing = numbers.Length == 0 ? 0 : (long)numbers[^1] - numbers.Length;
        if (missing == 0)
        {
            return;
        }

        var first = new List<string>(Listed);
        int previous = 0;
        foreach (int number in numbers)
        {
            for (long gap = previous + 1L; gap < number && first.Count < Listed; gap++)
            {
                first.Add("n" + gap.ToString(CultureInfo.InvariantCulture));
            }

            previous = number;
        }

        string list = string.Join(", ", first) + (missing > Listed ? string.Create(CultureInfo.InvariantCulture, $" and {missing - Listed} more") : string.Empty);
        context.Report(Descriptors.NonSequentialIds, context.Graph.Nodes[0].Syntax.Id.Span,
            "FlowZap expects n1..nN without gaps; renumbering changes the ids edges refer to, so do it in one edit", list);
    }
}
