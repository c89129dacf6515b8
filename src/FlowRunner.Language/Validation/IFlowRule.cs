namespace FlowRunner.Language.Validation;

/// <summary>One lint rule: reads the context and reports what it finds.</summary>
internal interface IFlowRule
{
    /// <summary>
    /// True for rules about the whole graph (reachability, gaps, exits): they are skipped when a line could not
    /// be parsed, because the missing statement would only make them report noise.
    /// </summary>
    bool NeedsCompleteTree => false;

    void Analyze(RuleContext context);
}
