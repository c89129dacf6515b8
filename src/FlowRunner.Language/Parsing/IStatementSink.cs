using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// Receives the tree while the parser builds it, so later stages can work on each statement while it is still in
/// the CPU cache (<see cref="FlowAnalysis"/>).
/// </summary>
internal interface IStatementSink
{
    /// <summary>A statement just read, with the id of the lane it is written in (null at top level).</summary>
    void OnStatement(StatementSyntax statement, string? lane);

    /// <summary>A lane block just closed (its members were handed over one by one before).</summary>
    void OnLaneClosed(LaneSyntax lane);
}
