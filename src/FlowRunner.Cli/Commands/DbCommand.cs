using System.CommandLine;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner db migrate [--db ...]</c>: creates or upgrades the schema (the runtime's and every pack's) of a SQLite file or a PostgreSQL database.</summary>
internal static class DbCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> database = EngineOptions.Database();
        var migrate = new Command("migrate", "Apply the migrations the database lacks (serve does it at start-up too); safe to run while nodes serve.") { database };
        migrate.SetAction(async (r, ct) =>
        {
            string db = r.GetValue(database)!;
            await EngineSetup.OpenAsync(db, ct, recover: false).ConfigureAwait(false);
            console.Out.WriteLine($"migrated {DatabaseAddress.Describe(db)}");
            return ExitCodes.Ok;
        });
        return new Command("db", "Manage the database.") { migrate };
    }
}
