using System.CommandLine;
using FlowRunner.Language.Export;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner export &lt;file&gt; --format json</c>: the diagram as JSON for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("file") { Description = "The flow file; '-' reads standard input." };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Export format: json.",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json");
        var command = new Command("export", "Write the graph of a flow: lanes, nodes, edges and loops.")
        {
            path,
            format,
        };
        command.SetAction(result => Run(console, result.GetValue(path)!));
        return command;
    }

    private static int Run(CliConsole console, string path)
    {
        (AnalyzedFlow? flow, int exitCode) = AnalyzedFlow.Load(console, path, "exported");
        if (flow is null)
        {
            return exitCode;
        }

        console.Out.WriteLine(GraphExport.From(flow.Analysis.Graph).ToJson());
        return ExitCodes.Ok;
    }
}
