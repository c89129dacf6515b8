using System.CommandLine;
using FlowRunner.Cli.Commands;

namespace FlowRunner.Cli;

/// <summary>Builds the command tree and runs it, mapping parse errors to exit code 2.</summary>
internal static class CliApp
{
    public static int Run(string[] args, CliConsole console)
    {
        var root = new RootCommand("FlowRunner: validate, format and run FlowZap Code flows (.flow, .fz).")
        {
            ValidateCommand.Create(console),
            FormatCommand.Create(console),
            ExportCommand.Create(console),
            RenderCommand.Create(console),
            RunCommand.Create(console),
            ResumeCommand.Create(console),
            InstancesCommand.Create(console),
            UsersCommand.Create(console),
            DbCommand.Create(console),
            ServeCommand.Create(console),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                console.Error.WriteLine($"flowrunner: {error.Message}");
            }

            console.Error.WriteLine("Run 'flowrunner --help' for usage.");
            return ExitCodes.UsageOrIo;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false });
        }
        catch (ConfigurationProblemException e)
        {
            console.Error.WriteLine($"flowrunner: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            console.Error.WriteLine($"flowrunner: unexpected error: {e}");
            return ExitCodes.Unexpected;
        }
    }
}
