using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using FlowRunner.Cli.Output;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Commands;

/// <summary>
/// <c>flowrunner run &lt;file&gt; [--answers file.json] [--format text|json] [--db path] [--activities my.dll]</c>: starts an instance and runs it.
/// At each wait it prompts on a terminal, or takes the next answer for that node from the answers file; with no
/// answer left it stops and the instance stays waiting in the database.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "The flow file to run." };
        var answers = new Option<string?>("--answers") { Description = "JSON answers: {\"answers\": {\"n5\": [{\"outcome\": \"No\"}], \"n2\": [{}]}}." };
        Option<string> format = EngineOptions.Format();
        Option<string> database = EngineOptions.Database();
        Option<string[]> activities = EngineOptions.Activities("Bind nodes to the activity handlers of this .NET assembly too, as serve --activities does.");
        var command = new Command("run", "Start an instance of a flow and run it until it ends or waits.") { file, answers, format, database, activities };
        command.SetAction((result, cancellationToken) =>
            RunAsync(console, result.GetValue(file)!, result.GetValue(answers), result.GetValue(format)!, result.GetValue(database)!, result.GetValue(activities) ?? [], cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string file, string? answersPath, string format, string database, string[] activities, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            console.Error.WriteLine($"flowrunner: '{file}' does not exist");
            return ExitCodes.UsageOrIo;
        }

        Dictionary<string, Queue<JsonElement>>? answers = null;
        if (answersPath is not null && !TryReadAnswers(console, answersPath, out answers))
        {
            return ExitCodes.UsageOrIo;
        }

        EngineSetup engine = await EngineSetup.OpenAsync(database, cancellationToken, activities: activities, warnings: console.Error).ConfigureAwait(false);
        string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        LoadedFlow loaded = engine.Catalog.Load(folder, file, LintConfiguration.FindFor(folder));
        if (loaded.Flow is not { } flow)
        {
            SourceText source = SourceText.From(loaded.Source, file);
            foreach (Diagnostic diagnostic in loaded.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                console.Error.Write(DiagnosticFormatter.Format(diagnostic, source));
            }

            console.Error.WriteLine($"flowrunner: '{file}' has errors; nothing was run");
            return ExitCodes.Failed;
        }

        RunResult result;
        try
        {
            result = await engine.Runtime.StartAsync(flow, loaded.Source, cancellationToken).ConfigureAwait(false);
        }
        catch (FlowNotRunnableException e)
        {
            console.Error.WriteLine($"flowrunner: {e.Message}");
            return ExitCodes.Failed;
        }

        bool interactive = answers is null && !console.IsInputRedirected && format == "text";
        while (result.Status == InstanceStatus.Waiting)
        {
            WaitingNode? answered = null;
            ImmutableDictionary<string, JsonElement>? input = null;
            foreach (WaitingNode wait in result.WaitingAt)
            {
                input = answers is not null ? NextAnswer(answers, wait.Node) : interactive ? Prompt(console, wait) : null;
                if (input is not null)
                {
                    answered = wait;
                    break;
                }
            }

            if (answered is null)
            {
                break;
            }

            try
            {
                result = await engine.Runtime.ResumeAsync(result.InstanceId, answered.Node, input!, null, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidInputException e)
            {
                console.Error.WriteLine($"flowrunner: {e.Message}");
                if (!interactive)
                {
                    return ExitCodes.UsageOrIo;
                }
            }
        }

        RunResultWriter.Write(result, format, console.Out);

        return result.Status == InstanceStatus.Faulted ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static ImmutableDictionary<string, JsonElement>? NextAnswer(Dictionary<string, Queue<JsonElement>> answers, string node) =>
        answers.TryGetValue(node, out Queue<JsonElement>? queue) && queue.TryDequeue(out JsonElement answer)
            ? answer.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone())
            : null;

    private static bool TryReadAnswers(CliConsole console, string path, out Dictionary<string, Queue<JsonElement>>? answers)
    {
        answers = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("answers", out JsonElement section) || section.ValueKind != JsonValueKind.Object)
            {
                console.Error.WriteLine($"flowrunner: {path}: expected {{\"answers\": {{\"n2\": [{{...}}, ...]}}}}");
                return false;
            }

            answers = new Dictionary<string, Queue<JsonElement>>(StringComparer.Ordinal);
            foreach (JsonProperty node in section.EnumerateObject())
            {
                if (node.Value.ValueKind != JsonValueKind.Array || node.Value.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.Object))
                {
                    console.Error.WriteLine($"flowrunner: {path}: answers for \"{node.Name}\" must be an array of objects, e.g. [{{\"outcome\": \"Yes\"}}, {{}}]");
                    return false;
                }

                answers[node.Name] = new Queue<JsonElement>(node.Value.EnumerateArray().Select(a => a.Clone()));
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            console.Error.WriteLine($"flowrunner: cannot read answers '{path}': {e.Message}");
            return false;
        }
    }

    private static ImmutableDictionary<string, JsonElement>? Prompt(CliConsole console, WaitingNode wait)
    {
        console.Out.WriteLine($"{wait.Node} [{wait.Lane}] \"{wait.Label}\" waits: {RunResultWriter.Describe(wait.Expects)}");
        ImmutableDictionary<string, JsonElement>.Builder input = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        if (!wait.Expects.Choices.IsEmpty)
        {
            for (int i = 0; i < wait.Expects.Choices.Length; i++)
            {
                console.Out.WriteLine($"  {i + 1}. {wait.Expects.Choices[i]}");
            }

            console.Out.Write("choice> ");
            string? line = console.In.ReadLine()?.Trim();
            if (line is null)
            {
                return null;
            }

            string choice = int.TryParse(line, out int n) && n >= 1 && n <= wait.Expects.Choices.Length ? wait.Expects.Choices[n - 1] : line;
            input["outcome"] = JsonSerializer.SerializeToElement(choice);
            return input.ToImmutable();
        }

        foreach ((string name, InputField field) in wait.Expects.Fields)
        {
            console.Out.Write($"{name} ({field.Type})> ");
            string? line = field.IsSecret && ReferenceEquals(console.In, Console.In) ? ReadHidden() : console.In.ReadLine();
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0 && !field.Required)
            {
                continue;
            }

            input[name] = field.Type switch
            {
                "number" when double.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out double number) => JsonSerializer.SerializeToElement(number),
                "boolean" when bool.TryParse(line, out bool flag) => JsonSerializer.SerializeToElement(flag),
                _ => JsonSerializer.SerializeToElement(line),
            };
        }

        return input.ToImmutable();
    }

    // Secrets are not echoed on a real terminal.
    private static string ReadHidden()
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace && text.Length > 0)
            {
                text.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
