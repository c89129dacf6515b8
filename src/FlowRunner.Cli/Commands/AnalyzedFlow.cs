using FlowRunner.Language;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Commands;

/// <summary>One flow read and analysed for a command that writes it out in another form (export, render).</summary>
internal sealed record AnalyzedFlow(FlowAnalysis Analysis, SourceText Source)
{
    /// <summary>
    /// Reads and analyses <paramref name="path"/>. On an I/O or configuration problem, or when the flow has errors
    /// (each printed with its place), reports why nothing was <paramref name="done"/> and returns null with the exit code.
    /// </summary>
    public static (AnalyzedFlow? Flow, int ExitCode) Load(CliConsole console, string path, string done)
    {
        var inputs = new FlowInputs(console);
        string? file = inputs.Expand([path]).FirstOrDefault();
        SourceText? source = file is null ? null : inputs.Read(file);
        if (source is null || inputs.ConfigurationFor(file!) is not { } configuration)
        {
            return (null, ExitCodes.UsageOrIo);
        }

        FlowAnalysis analysis = FlowAnalysis.Analyze(source, configuration);
        if (analysis.HasErrors)
        {
            foreach (Diagnostic diagnostic in analysis.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                console.Error.Write(DiagnosticFormatter.Format(diagnostic, source));
            }

            console.Error.WriteLine($"flowrunner: '{source.Path}' has errors; nothing {done}");
            return (null, ExitCodes.Failed);
        }

        return (new AnalyzedFlow(analysis, source), ExitCodes.Ok);
    }
}
