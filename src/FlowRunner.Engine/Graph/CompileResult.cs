using System.Collections.Immutable;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Engine.Graph;

/// <summary>The compiled graph, or null with the errors that prevented it; warnings are kept either way.</summary>
public sealed record CompileResult(FlowGraph? Graph, ImmutableArray<Diagnostic> Diagnostics);
