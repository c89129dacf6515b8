using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams (dotnet-format ProgramTests).</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) RunWithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, new CliConsole(new StringReader(stdin), output, error, IsInputRedirected: true));
        return (code, output.ToString(), error.ToString());
    }

    public static (int ExitCode, string Out, string Error) Run(params string[] args) => RunWithInput(string.Empty, args);

    /// <summary>Runs as on a terminal (input not redirected), typing <paramref name="typed"/> at the prompts.</summary>
    public static (int ExitCode, string Out, string Error) RunInteractive(string typed, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, new CliConsole(new StringReader(typed), output, error, IsInputRedirected: false));
        return (code, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary folder of flow files, deleted afterwards.</summary>
internal sealed class TempFlows : IDisposable
{
    public const string Valid = "A { # A\n  n1: circle label:\"Start\"\n  n2: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n}\n";
    public const string WithWarning = "A { # A\n  n1: circle label:\"Start\"\n  n2: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left) [label:\"Go\"]\n}\n";
    public const string WithError = "A { # A\n  n1: circel label:\"Start\"\n}\n";

    private readonly TempFolder _folder = new("flowrunner-cli-");

    public string Root => _folder.Path;

    public string Write(string relative, string text) => _folder.Write(relative, text);

    public void Dispose() => _folder.Dispose();
}
