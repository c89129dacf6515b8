namespace FlowRunner.Language.Parsing;

/// <summary>A parsed <c>}</c> line.</summary>
internal sealed record LaneCloseLine : Syntax.StatementSyntax;
