using System.Globalization;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ3007: FlowZap numbers nodes n1..nN without gaps (reference §3 "IDs"; we warn, never renumber).</summary>
internal sealed class SequentialIdRule : IFlowRule
{
    public bool NeedsCompleteTree => true;

    public void Analyze(RuleContext context)
    {
        List<int> missing = context.Model.MissingNumbers(5, out long missingCount);
        if (missingCount == 0)
        {
            return;
        }

        string list = string.Join(", ", missing.Select(n => "n" + n.ToString(CultureInfo.InvariantCulture)))
            + (missingCount > 5 ? string.Create(CultureInfo.InvariantCulture, $" and {missingCount - 5} more") : string.Empty);
        context.Report(Descriptors.NonSequentialIds, context.Model.Nodes[0].Syntax.Id.Span,
            "FlowZap expects n1..nN without gaps; renumbering changes the ids edges refer to, so do it in one edit", list);
    }
}
