namespace FlowRunner.Cli;

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Success: no errors (warnings within the allowed number).</summary>
    public const int Ok = 0;

    /// <summary>Diagnostics with errors, too many warnings, or files that would change under <c>fmt --check</c>.</summary>
    public const int Failed = 1;

    /// <summary>Usage or I/O error: bad arguments, a missing file, an invalid configuration.</summary>
    public const int UsageOrIo = 2;

    /// <summary>A bug: an unexpected exception.</summary>
    public const int Unexpected = 3;
}
