using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using FlowRunner.Cli.Output;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner resume &lt;instanceId&gt; --node nX [--input json] [--format text|json] [--db path] [--activities my.dll]</c>.</summary>
internal static class ResumeCommand
{
    public static Command Create(CliConsole console)
    {
        var instance = new Argument<string>("instanceId") { Description = "The instance to answer." };
        var node = new Option<string>("--node") { Description = "The waiting node, e.g. n4.", Required = true };
        var input = new Option<string>("--input") { Description = "The answer as a JSON object, e.g. {\"outcome\": \"Yes\"}.", DefaultValueFactory = _ => "{}" };
        Option<string> format = EngineOptions.Format();
        Option<string> database = EngineOptions.Database();
        Option<string[]> activities = EngineOptions.Activities("Bind nodes to the activity handlers of this .NET assembly too, as run --activities did.");
        var command = new Command("resume", "Answer one wait of an instance and run on.") { instance, node, input, format, database, activities };
        command.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(instance)!, result.GetValue(node)!, result.GetValue(input)!,
            result.GetValue(format)!, result.GetValue(database)!, result.GetValue(activities) ?? [], cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string instanceId, string node, string inputJson, string format, string database, string[] activities, CancellationToken cancellationToken)
    {
        ImmutableDictionary<string, JsonElement> input;
        try
        {
            using JsonDocument document = JsonDocument.Parse(inputJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the answer must be a JSON object");
            }

            input = document.RootElement.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());
        }
        catch (JsonException e)
        {
            console.Error.WriteLine($"flowrunner: --input is not a JSON object: {e.Message}");
            return ExitCodes.UsageOrIo;
        }

        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, activities: activities).ConfigureAwait(false) is not { } engine)
        {
            return ExitCodes.UsageOrIo;
        }

        RunResult result;
        try
        {
            result = await engine.Runtime.ResumeAsync(instanceId, node, input, null, cancellationToken).ConfigureAwait(false);
        }
        catch (InstanceNotFoundException e)
        {
            console.Error.WriteLine($"flowrunner: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        catch (Exception e) when (e is NotWaitingException or ConcurrencyException or InvalidInputException or FlowNotRunnableException)
        {
            console.Error.WriteLine($"flowrunner: {e.Message}");
            return ExitCodes.Failed;
        }

        RunResultWriter.Write(result, format, console.Out);

        return result.Status == InstanceStatus.Faulted ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
