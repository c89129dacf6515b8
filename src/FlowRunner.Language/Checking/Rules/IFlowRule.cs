namespace FlowRunner.Language.Checking.Rules;

/// <summary>One lint rule: reads the graph (and its syntax) and reports through the context.</summary>
internal interface IFlowRule
{
    /// <summary>
    /// True for rules about the whole graph (reachability, gaps, exits): they are skipped when a line could not be
    /// parsed, because the missing statement would only make them report noise.
    /// </summary>
    bool NeedsCompleteTree => false;

    /// <summary>Checks the flow.</summary>
    void Check(RuleContext context);
}
