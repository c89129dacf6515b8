using System.CommandLine;
using FlowRunner.Language;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Export;
using FlowRunner.Language.Text;

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
        var inputs = new FlowInputs(console);
        string? file = inputs.Expand([path]).FirstOrDefault();
        SourceText? source = file is null ? null : inputs.Read(file);
        if (source is null)
        {
            return ExitCodes.UsageOrIo;
        }

        if (inputs.ConfigurationFor(file!) is not { } configuration)
        {
            return ExitCodes.UsageOrIo;
        }

        FlowAnalysis analysis = FlowAnalysis.Analyze(source, configuration);
        if (analysis.HasErrors)
        {
            foreach (Diagnostic diagnostic in analysis.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                console.Error.Write(DiagnosticFormatter.Format(diagnostic, source));
            }

            console.Error.WriteLine($"flowrunner: '{source.Path}' has errors; nothing exported");
            return ExitCodes.Failed;
        }

        console.Out.WriteLine(GraphExport.From(analysis.Model, source).ToJson());
        return ExitCodes.Ok;
    }
}
