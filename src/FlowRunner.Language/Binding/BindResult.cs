using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;

namespace FlowRunner.Language.Binding;

/// <summary>The graph bound from a tree and the reference errors found on the way.</summary>
public sealed record BindResult(FlowGraph Graph, ImmutableArray<Diagnostic> Diagnostics);
