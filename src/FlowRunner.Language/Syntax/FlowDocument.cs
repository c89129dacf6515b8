using System.Collections.Immutable;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>The syntax tree of one file: top-level statements in source order (lanes hold their own).</summary>
public sealed record FlowDocument(SourceText Source, ImmutableArray<StatementSyntax> Statements)
{
    /// <summary>True when the parser reported an error: some lines are missing from the tree.</summary>
    public bool HasSyntaxErrors { get; init; }

    /// <summary>Every statement in source order: a lane block, then its members.</summary>
    public IEnumerable<StatementSyntax> DescendantStatements() => StatementsWithLanes().Select(s => s.Statement);

    /// <summary>Every statement in source order with the lane block it is written in (null at top level and for the blocks themselves).</summary>
    public IEnumerable<(StatementSyntax Statement, LaneSyntax? Lane)> StatementsWithLanes()
    {
        foreach (StatementSyntax statement in Statements)
        {
            yield return (statement, null);
            if (statement is LaneSyntax lane)
            {
                foreach (StatementSyntax member in lane.Members)
                {
                    yield return (member, lane);
                }
            }
        }
    }
}
