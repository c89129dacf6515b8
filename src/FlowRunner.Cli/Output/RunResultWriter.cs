using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;

namespace FlowRunner.Cli.Output;

/// <summary>
/// <c>{"instanceId","status","version","path","waitingAt":[{"node","lane","label","expects"}],"outputs","incident"}</c>,
/// or the same as text.
/// </summary>
internal static class RunResultWriter
{
    /// <summary>Writes in the format a command was given: "json", else text.</summary>
    public static void Write(RunResult result, string format, TextWriter writer)
    {
        if (format == "json")
        {
            WriteJson(result, writer);
        }
        else
        {
            WriteText(result, writer);
        }
    }

    public static void WriteJson(RunResult result, TextWriter writer)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("instanceId", result.InstanceId);
            json.WriteString("status", Status(result.Status));
            json.WriteNumber("version", result.Version);
            json.WriteStartArray("path");
            foreach (string node in result.Path)
            {
                json.WriteStringValue(node);
            }

            json.WriteEndArray();
            json.WriteStartArray("waitingAt");
            foreach (WaitingNode wait in result.WaitingAt)
            {
                json.WriteStartObject();
                json.WriteString("node", wait.Node);
                json.WriteString("lane", wait.Lane);
                json.WriteString("label", wait.Label);
                json.WritePropertyName("expects");
                WriteExpects(json, wait.Expects);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("outputs");
            foreach ((string key, JsonElement value) in result.Outputs.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WriteEndObject();
            if (result.Incident is { } incident)
            {
                json.WriteStartObject("incident");
                json.WriteString("code", incident.Code);
                json.WriteString("node", incident.NodeId);
                json.WriteString("message", incident.Message);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("incident");
            }

            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static void WriteText(RunResult result, TextWriter writer)
    {
        writer.WriteLine($"instance {result.InstanceId}: {Status(result.Status)} (version {result.Version})");
        writer.WriteLine($"path: {string.Join(" -> ", result.Path)}");
        foreach (WaitingNode wait in result.WaitingAt)
        {
            writer.WriteLine($"waiting at {wait.Node} [{wait.Lane}] \"{wait.Label}\": {Describe(wait.Expects)}");
        }

        foreach ((string key, JsonElement value) in result.Outputs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteLine($"output {key} = {value.GetRawText()}");
        }

        if (result.Incident is { } incident)
        {
            writer.WriteLine($"incident {incident.Code} at {incident.NodeId}: {incident.Message}");
        }
    }

    public static string Describe(WaitRequest expects) =>
        (!expects.Choices.IsEmpty ? "choose one of " + string.Join(", ", expects.Choices.Select(c => "\"" + c + "\""))
            : expects.Fields.IsEmpty ? "confirmation (answer {})"
            : "fields " + string.Join(", ", expects.Fields.Select(f => $"{f.Key} ({f.Value.Type}{(f.Value.Required ? string.Empty : ", optional")})")))
        + (expects.Deadline is { } deadline ? " by " + deadline.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : string.Empty);

    public static string Status(InstanceStatus status) => status.ToString().ToLowerInvariant();

    private static void WriteExpects(Utf8JsonWriter json, WaitRequest expects)
    {
        json.WriteStartObject();
        json.WriteStartObject("fields");
        foreach ((string name, InputField field) in expects.Fields)
        {
            json.WriteStartObject(name);
            json.WriteString("type", field.Type);
            json.WriteBoolean("required", field.Required);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("choices");
        foreach (string choice in expects.Choices)
        {
            json.WriteStringValue(choice);
        }

        json.WriteEndArray();
        if (expects.Deadline is { } deadline)
        {
            json.WriteString("deadline", deadline);
        }

        json.WriteEndObject();
    }
}
