using System.CommandLine;
using System.Globalization;
using FlowRunner.Cli.Output;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner instances [--db path]</c> and <c>flowrunner instances show &lt;id&gt;</c>.</summary>
internal static class InstancesCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> database = EngineOptions.Database();
        database.Recursive = true;
        var limit = new Option<int>("--limit") { Description = "How many instances to list, newest first.", DefaultValueFactory = _ => 50 };
        var id = new Argument<string>("instanceId") { Description = "The instance." };
        var show = new Command("show", "Print an instance's state and journal.") { id };
        show.SetAction((result, cancellationToken) => ShowAsync(console, result.GetValue(id)!, result.GetValue(database)!, cancellationToken));
        var days = new Option<int>("--older-than-days") { Description = "Finished instances last changed this many days ago or earlier go.", DefaultValueFactory = _ => 30 };
        var prune = new Command("prune", "Delete finished instances (with their journals) and sent outbox messages older than the age; waiting ones stay.") { days };
        prune.SetAction((result, cancellationToken) => PruneAsync(console, result.GetValue(database)!, result.GetValue(days), cancellationToken));
        var command = new Command("instances", "List instances, newest first.") { database, limit, show, prune };
        command.SetAction((result, cancellationToken) => ListAsync(console, result.GetValue(database)!, result.GetValue(limit), cancellationToken));
        return command;
    }

    private static async Task<int> ListAsync(CliConsole console, string database, int limit, CancellationToken cancellationToken)
    {
        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, recover: false).ConfigureAwait(false) is not { } engine)
        {
            return ExitCodes.UsageOrIo;
        }

        IReadOnlyList<InstanceSummary> instances = await engine.Store.ListAsync(null, limit, cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"{"INSTANCE",-32}  {"FLOW",-24}  {"STATUS",-9}  {"VERSION",7}  UPDATED");
        foreach (InstanceSummary instance in instances)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{instance.Id,-32}  {instance.FlowName,-24}  {RunResultWriter.Status(instance.Status),-9}  {instance.Version,7}  {instance.UpdatedAt:u}"));
        }

        console.Out.WriteLine($"{instances.Count} instance(s)");
        return ExitCodes.Ok;
    }

    private static async Task<int> PruneAsync(CliConsole console, string database, int days, CancellationToken cancellationToken)
    {
        if (days < 0)
        {
            console.Error.WriteLine($"flowrunner: --older-than-days must be 0 or more, not {days}");
            return ExitCodes.UsageOrIo;
        }

        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, recover: false).ConfigureAwait(false) is not { } engine)
        {
            return ExitCodes.UsageOrIo;
        }

        int pruned = await engine.Store.PruneAsync(TimeProvider.System.GetUtcNow().AddDays(-days), cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"pruned {pruned} finished instance(s) older than {days} day(s)");
        return ExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(CliConsole console, string id, string database, CancellationToken cancellationToken)
    {
        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, recover: false).ConfigureAwait(false) is not { } engine)
        {
            return ExitCodes.UsageOrIo;
        }

        RunResult result;
        try
        {
            result = await engine.Runtime.GetResultAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (InstanceNotFoundException e)
        {
            console.Error.WriteLine($"flowrunner: {e.Message}");
            return ExitCodes.UsageOrIo;
        }

        RunResultWriter.WriteText(result, console.Out);
        console.Out.WriteLine("journal:");
        foreach (JournalEntry entry in await engine.Store.GetJournalAsync(id, cancellationToken).ConfigureAwait(false))
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {entry.Sequence,5}  {entry.At:u}  {entry.Event,-17} {entry.NodeId,-6} {entry.Lane,-14} {entry.Outcome} {entry.Detail}"));
        }

        return ExitCodes.Ok;
    }
}
