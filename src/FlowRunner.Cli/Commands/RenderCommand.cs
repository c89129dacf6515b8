using System.CommandLine;
using FlowRunner.Language.Export;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner render &lt;file&gt; [--format mermaid] [-o out]</c>: a picture of the diagram.</summary>
internal static class RenderCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("file") { Description = "The flow file; '-' reads standard input." };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Picture format: mermaid (a flowchart with one subgraph per lane).",
            DefaultValueFactory = _ => "mermaid",
        };
        format.AcceptOnlyFromAmong("mermaid");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var command = new Command("render", "Draw a flow: a Mermaid flowchart with one subgraph per lane.")
        {
            path,
            format,
            output,
        };
        command.SetAction(result => Run(console, result.GetValue(path)!, result.GetValue(output)));
        return command;
    }

    private static int Run(CliConsole console, string path, string? output)
    {
        (AnalyzedFlow? flow, int exitCode) = AnalyzedFlow.Load(console, path, "rendered");
        if (flow is null)
        {
            return exitCode;
        }

        string chart = MermaidExport.From(flow.Analysis.Model);
        if (output is null)
        {
            console.Out.Write(chart);
            return ExitCodes.Ok;
        }

        try
        {
            FormatCommand.WriteAtomically(output, chart);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"flowrunner: cannot write '{output}': {e.Message}");
            return ExitCodes.UsageOrIo;
        }
    }
}
