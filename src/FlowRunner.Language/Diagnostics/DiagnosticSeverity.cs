namespace FlowRunner.Language.Diagnostics;

/// <summary>How serious a diagnostic is. Only errors stop compilation and fail <c>validate</c>.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Advice; never fails a build.</summary>
    Info,

    /// <summary>A likely mistake or a deviation from FlowZap's rules; fails only past <c>--max-warnings</c>.</summary>
    Warning,

    /// <summary>The file cannot be compiled or run as written.</summary>
    Error,
}
