using System.CommandLine;
using FlowRunner.Engine.State;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Rendering;

namespace FlowRunner.Cli.Commands;

/// <summary>
/// <c>flowrunner render &lt;file&gt; [--format svg|mermaid] [-o out] [--instance id [--db path]]</c>: a picture of
/// the diagram, optionally with an instance's path on it.
/// </summary>
internal static class RenderCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("file") { Description = "The flow file; '-' reads standard input." };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Picture format: svg (swimlanes as FlowZap draws them) or mermaid (a flowchart with one subgraph per lane).",
            DefaultValueFactory = _ => "svg",
        };
        format.AcceptOnlyFromAmong("svg", "mermaid");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var instance = new Option<string?>("--instance") { Description = "Draw this instance's path (visited nodes and edges, visit counts, waits, a fault) over the diagram (svg only)." };
        Option<string> database = EngineOptions.Database();
        var command = new Command("render", "Draw a flow as SVG swimlanes or a Mermaid flowchart, optionally with an instance's path.")
        {
            path,
            format,
            output,
            instance,
            database,
        };
        command.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(path)!, result.GetValue(format)!, result.GetValue(output),
            result.GetValue(instance), result.GetValue(database)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string path, string format, string? output, string? instanceId, string database, CancellationToken cancellationToken)
    {
        if (instanceId is not null && format != "svg")
        {
            console.Error.WriteLine("flowrunner: --instance draws on the SVG picture only; drop --format mermaid");
            return ExitCodes.UsageOrIo;
        }

        (AnalyzedFlow? flow, int exitCode) = AnalyzedFlow.Load(console, path, "rendered");
        if (flow is null)
        {
            return exitCode;
        }

        string picture;
        if (instanceId is null)
        {
            picture = format == "mermaid"
                ? MermaidRenderer.From(flow.Analysis.Graph)
                : SvgRenderer.Render(flow.Analysis.Graph, Path.GetFileNameWithoutExtension(flow.Source.Path));
        }
        else if (await RenderInstanceAsync(console, flow, instanceId, database, cancellationToken).ConfigureAwait(false) is { } drawn)
        {
            picture = drawn;
        }
        else
        {
            return ExitCodes.UsageOrIo;
        }

        if (output is null)
        {
            console.Out.Write(picture);
            return ExitCodes.Ok;
        }

        try
        {
            FormatCommand.WriteAtomically(output, picture);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"flowrunner: cannot write '{output}': {e.Message}");
            return ExitCodes.UsageOrIo;
        }
    }

    private static async Task<string?> RenderInstanceAsync(CliConsole console, AnalyzedFlow flow, string instanceId, string database, CancellationToken cancellationToken)
    {
        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, recover: false).ConfigureAwait(false) is not { } engine)
        {
            return null;
        }

        InstanceState? state = await engine.Store.GetAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            console.Error.WriteLine($"flowrunner: no instance '{instanceId}' in '{database}'; 'flowrunner instances --db {database}' lists them");
            return null;
        }

        IReadOnlyList<JournalEntry> journal = await engine.Store.GetJournalAsync(instanceId, cancellationToken).ConfigureAwait(false);

        // Draw the version the instance ran: the file may have changed since it started.
        FlowGraph graph = flow.Analysis.Graph;
        if (await engine.Catalog.ResolveAsync(state.FlowName, state.FlowHash, cancellationToken).ConfigureAwait(false) is { } ran
            && ran.Graph.Source.Text != flow.Source.Text)
        {
            console.Error.WriteLine($"flowrunner: '{flow.Source.Path}' changed since instance {instanceId} started; drawing the version it ran ({state.FlowHash[..12]})");
            graph = ran.Graph;
        }

        return SvgRenderer.Render(graph, $"{state.FlowName}, instance {state.Id}", SvgOverlay.Of(graph, InstancePath.Of(state, journal)));
    }
}
