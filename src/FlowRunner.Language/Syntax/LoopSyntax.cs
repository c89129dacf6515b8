using System.Collections.Immutable;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Syntax;

/// <summary>A loop fragment: <c>loop [condition text] n2 n3</c>.</summary>
public sealed record LoopSyntax(SyntaxToken Keyword, string Condition, TextSpan ConditionSpan, ImmutableArray<SyntaxToken> Nodes) : StatementSyntax;
