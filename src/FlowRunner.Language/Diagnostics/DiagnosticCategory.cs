namespace FlowRunner.Language.Diagnostics;

/// <summary>The family of a diagnostic, matching its id range.</summary>
public enum DiagnosticCategory
{
    /// <summary>FZ0xxx: the text does not follow the grammar.</summary>
    Syntax,

    /// <summary>FZ1xxx: the graph's shape (ids, references, reachability, decisions).</summary>
    Structure,

    /// <summary>FZ2xxx: binding nodes to activity handlers and execution.</summary>
    Binding,

    /// <summary>FZ3xxx: style, FlowZap deviations and advice.</summary>
    Style,
}
