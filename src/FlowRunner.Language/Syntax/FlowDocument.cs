using System.Collections.Immutable;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>The syntax tree of one file: top-level statements in source order (lanes hold their own).</summary>
public sealed record FlowDocument(SourceText Source, ImmutableArray<StatementSyntax> Statements)
{
    /// <summary>Every statement, lanes first-then-members, in source order.</summary>
    public IEnumerable<StatementSyntax> DescendantStatements()
    {
        foreach (StatementSyntax statement in Statements)
        {
            yield return statement;
            if (statement is LaneSyntax lane)
            {
                foreach (StatementSyntax member in lane.Members)
                {
                    yield return member;
                }
            }
        }
    }
}
