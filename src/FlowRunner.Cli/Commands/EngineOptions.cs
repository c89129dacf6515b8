using System.CommandLine;

namespace FlowRunner.Cli.Commands;

/// <summary>Options the engine commands share.</summary>
internal static class EngineOptions
{
    public static Option<string> Database() => new("--db")
    {
        Description = $"The SQLite database file (created when missing; default {EngineSetup.DefaultDatabase} in the current folder), or a PostgreSQL database: postgres://user:password@host:5432/name or Host=...;Database=...",
        DefaultValueFactory = _ => EngineSetup.DefaultDatabase,
    };

    /// <summary><c>--activities my.dll</c>, repeatable: handlers (and what an IFlowRunnerExtension adds) from assemblies of one's own.</summary>
    public static Option<string[]> Activities(string description) => new("--activities") { Description = description + " Repeat for more." };

    public static Option<string> Format() => Validated(new Option<string>("--format", "-f")
    {
        Description = "Output format: text or json.",
        DefaultValueFactory = _ => "text",
    });

    private static Option<string> Validated(Option<string> option)
    {
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
