using System.Collections.Immutable;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Graph;

/// <summary>A loop fragment: its condition text and the declared nodes it lists, in the order written.</summary>
public sealed record FlowLoop(string Condition, ImmutableArray<string> Nodes, LoopSyntax Syntax);
