using System.CommandLine;
using System.Text;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Formatting;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner fmt &lt;files...&gt; [--check]</c>: rewrites files in the official layout.</summary>
internal static class FormatCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Flow files or folders; '-' formats standard input to standard output.",
            Arity = ArgumentArity.OneOrMore,
        };
        var check = new Option<bool>("--check")
        {
            Description = "Change nothing; list the files that would change and exit 1 if any.",
        };
        var command = new Command("fmt", "Rewrite flow files in the official FlowZap layout (idempotent, keeps comments).")
        {
            paths,
            check,
        };
        command.SetAction(result => Run(console, result.GetValue(paths)!, result.GetValue(check)));
        return command;
    }

    private static int Run(CliConsole console, string[] paths, bool check)
    {
        var inputs = new FlowInputs(console);
        int unformatted = 0;
        foreach (string path in inputs.Expand(paths))
        {
            SourceText? source = inputs.Read(path);
            if (source is null)
            {
                continue;
            }

            Language.Parsing.ParseResult parse = FlowParser.Parse(source);
            string? formatted = FlowFormatter.Format(parse);
            if (formatted is null)
            {
                foreach (Diagnostic diagnostic in parse.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
                {
                    console.Error.Write(DiagnosticFormatter.Format(diagnostic, source));
                }

                inputs.Fail($"'{source.Path}' has syntax errors and was not formatted");
                continue;
            }

            if (path == FlowInputs.StdinPath)
            {
                if (check && formatted != source.Text)
                {
                    console.Out.WriteLine(source.Path);
                    unformatted++;
                }
                else if (!check)
                {
                    console.Out.Write(formatted);
                }

                continue;
            }

            if (formatted == source.Text)
            {
                continue;
            }

            unformatted++;
            if (check)
            {
                console.Out.WriteLine(path);
                continue;
            }

            try
            {
                WriteAtomically(path, formatted);
                console.Out.WriteLine($"formatted {path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                inputs.Fail($"cannot write '{path}': {e.Message}");
            }
        }

        if (inputs.Failures > 0)
        {
            return ExitCodes.UsageOrIo;
        }

        return check && unformatted > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    // Write beside the file, then rename over it: a crash mid-write never leaves a half-written flow.
    internal static void WriteAtomically(string path, string text)
    {
        string temp = path + ".fmt-" + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
