namespace FlowRunner.Cli;

/// <summary>
/// The streams a command reads and writes, so tests can run commands in-process. <paramref name="IsErrorInteractive"/>
/// is true when standard error is a terminal: only then do long runs draw progress on it.
/// </summary>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool IsInputRedirected, bool IsErrorInteractive = false);
