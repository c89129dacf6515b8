namespace FlowRunner.Language.Validation;

/// <summary>One lint rule: reads the context and reports what it finds.</summary>
internal interface IFlowRule
{
    void Analyze(RuleContext context);
}
