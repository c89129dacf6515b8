using System.Collections.Immutable;
using System.CommandLine;
using FlowRunner.Cli.Output;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Graph;
using FlowRunner.Hosting.Identity;
using FlowRunner.Hosting.Routes;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner validate &lt;files or folders...&gt; [--format text|json|sarif] [--verbosity normal|detailed] [--max-warnings N] [--strict] [--activities my.dll]</c>.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Flow files or folders (searched recursively for *.flow and *.fz); '-' reads standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: text, json or sarif.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var maxWarnings = new Option<int?>("--max-warnings")
        {
            Description = "Fail (exit 1) when there are more warnings than this.",
        };
        maxWarnings.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0)
            {
                result.AddError("--max-warnings must be 0 or more.");
            }
        });

        var verbosity = new Option<string>("--verbosity", "-v")
        {
            Description = "Text output: normal shows errors and warnings and counts infos per id; detailed lists every info too.",
            DefaultValueFactory = _ => "normal",
        };
        verbosity.AcceptOnlyFromAmong("normal", "detailed");

        var strict = new Option<bool>("--strict")
        {
            Description = "Treat unbound nodes (FZ2001) as errors: every activity must be bound to a handler.",
        };
        Option<string[]> activities = EngineOptions.Activities("Also bind to the activity handlers of this .NET assembly, as serve --activities does.");
        var command = new Command("validate", "Check flow files and report every problem with its place and a fix.")
        {
            paths,
            format,
            verbosity,
            maxWarnings,
            strict,
            activities,
        };
        command.SetAction(result => Run(console, result.GetValue(paths)!, result.GetValue(format)!, result.GetValue(verbosity) == "detailed", result.GetValue(maxWarnings), result.GetValue(strict),
            EngineSetup.ValidationRegistryWith(result.GetValue(activities) ?? [])));
        return command;
    }

    private static int Run(CliConsole console, string[] paths, string format, bool detailed, int? maxWarnings, bool strict, ActivityRegistry activities)
    {
        var inputs = new FlowInputs(console);
        var catalog = new FlowCatalog(activities);
        var report = new DiagnosticReport();
        var graphs = new Dictionary<string, FlowGraph?>(StringComparer.Ordinal); // by full path, for the routes files
        string[] files = [.. inputs.Expand(paths)];
        using var progress = new ProgressLine(console.Error, console.IsErrorInteractive);
        foreach ((string path, int index) in files.Select((f, i) => (f, i)))
        {
            progress.Report($"validating {index + 1}/{files.Length}: {path}");
            LintConfiguration? configuration = inputs.ConfigurationFor(path);
            SourceText? source = configuration is null ? null : inputs.Read(path);
            if (source is null)
            {
                continue;
            }

            // Parse, bind, check, compile and bind to activities: FZ0xxx to FZ3xxx in one list.
            LoadedFlow loaded = catalog.Prepare(Path.GetFileNameWithoutExtension(source.Path), source.Path, source.Text, configuration);
            ImmutableArray<Diagnostic> diagnostics = loaded.Diagnostics;
            if (strict)
            {
                diagnostics = [.. diagnostics.Select(d => d.Id == Descriptors.UnboundNode.Id ? d with { Severity = DiagnosticSeverity.Error } : d)];
            }

            report.Files.Add((source.Path, source, diagnostics));
            graphs[Path.GetFullPath(path)] = loaded.Compiled?.Graph;
        }

        // A folder's routes.json names its flows by their path under the folder.
        foreach (string folder in paths.Where(Directory.Exists))
        {
            string routes = Path.Combine(folder, RouteFile.FileName);
            if (File.Exists(routes))
            {
                string root = Path.GetFullPath(folder);
                var flows = graphs.Where(g => g.Key.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    .ToDictionary(g => FlowCompiler.NameFor(root, g.Key), g => g.Value, StringComparer.Ordinal);
                RouteFileResult result = RouteFile.Load(routes, new RouteTargets(flows, IdentityHostingExtensions.RouteFunctionNames));
                report.Files.Add((result.Source.Path, result.Source, result.Diagnostics));
            }
        }

        progress.Dispose();
        switch (format)
        {
            case "json":
                JsonReportWriter.Write(report, console.Out);
                break;
            case "sarif":
                SarifReportWriter.Write(report, console.Out);
                break;
            default:
                TextReportWriter.Write(report, console.Out, detailed);
                break;
        }

        if (inputs.Failures > 0)
        {
            return ExitCodes.UsageOrIo;
        }

        if (report.Errors > 0)
        {
            return ExitCodes.Failed;
        }

        if (maxWarnings is { } max && report.Warnings > max)
        {
            console.Error.WriteLine($"flowrunner: {report.Warnings} warnings exceed --max-warnings {max}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }
}
