using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Graph;

namespace FlowRunner.Engine.Binding;

/// <summary>
/// The bindings file beside a flow (<c>login.flow</c> → <c>login.bindings.json</c>): what FlowZap Code cannot say,
/// kept out of the <c>.flow</c> so it stays valid FlowZap Code.
/// <code>
/// {
///   "mode": "durable",
///   "lanes": { "User": "actor" },
///   "nodes": {
///     "n8": { "activity": "identity.user-lookup", "options": { "table": "users" } },
///     "n2": { "input": { "email": "email", "password": "secret" }, "timeout": "PT15M" }
///   }
/// }
/// </code>
/// "mode" is "durable" (the default: every step committed) or "request" (the flow runs in memory for one request).
/// </summary>
internal sealed record FlowBindings(string Path, FlowMode Mode, ImmutableDictionary<string, LaneRole> Lanes, ImmutableDictionary<string, FlowBindings.NodeSpec> Nodes)
{
    /// <summary>The suffix that replaces the flow's extension.</summary>
    public const string Suffix = ".bindings.json";

    /// <summary>The largest bindings file read.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The bindings path for a flow file.</summary>
    public static string PathFor(string flowPath) => System.IO.Path.ChangeExtension(flowPath, null) + Suffix;

    /// <summary>Parses a bindings file.</summary>
    /// <exception cref="FormatException">The text is not a valid bindings file; the message says where and why.</exception>
    public static FlowBindings Parse(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the file must hold a JSON object with \"nodes\" and/or \"lanes\"");
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Name is not ("nodes" or "lanes" or "mode" or "$schema"))
                {
                    throw new FormatException($"unknown section \"{property.Name}\"; expected \"mode\", \"nodes\" or \"lanes\"");
                }
            }

            return new FlowBindings(path, ParseMode(root), ParseLanes(root), ParseNodes(root));
        }
    }

    private static FlowMode ParseMode(JsonElement root) =>
        !root.TryGetProperty("mode", out JsonElement mode) ? FlowMode.Durable
        : mode.ValueKind == JsonValueKind.String && mode.GetString() == "durable" ? FlowMode.Durable
        : mode.ValueKind == JsonValueKind.String && mode.GetString() == "request" ? FlowMode.Request
        : throw new FormatException($"\"mode\" must be \"durable\" or \"request\", not {mode.GetRawText()}");

    private static ImmutableDictionary<string, LaneRole> ParseLanes(JsonElement root)
    {
        ImmutableDictionary<string, LaneRole>.Builder lanes = ImmutableDictionary.CreateBuilder<string, LaneRole>(StringComparer.Ordinal);
        if (!root.TryGetProperty("lanes", out JsonElement section))
        {
            return lanes.ToImmutable();
        }

        foreach (JsonProperty lane in Object(section, "\"lanes\"").EnumerateObject())
        {
            lanes[lane.Name] = lane.Value.GetString() switch
            {
                "actor" => LaneRole.Actor,
                "service" => LaneRole.Service,
                _ => throw new FormatException($"lane \"{lane.Name}\" must be \"actor\" or \"service\", not {lane.Value.GetRawText()}"),
            };
        }

        return lanes.ToImmutable();
    }

    private static ImmutableDictionary<string, NodeSpec> ParseNodes(JsonElement root)
    {
        ImmutableDictionary<string, NodeSpec>.Builder nodes = ImmutableDictionary.CreateBuilder<string, NodeSpec>(StringComparer.Ordinal);
        if (!root.TryGetProperty("nodes", out JsonElement section))
        {
            return nodes.ToImmutable();
        }

        foreach (JsonProperty node in Object(section, "\"nodes\"").EnumerateObject())
        {
            JsonElement spec = Object(node.Value, $"node \"{node.Name}\"");
            string? activity = null;
            JsonElement options = NodeBinding.NoOptions;
            var input = ImmutableSortedDictionary.CreateBuilder<string, InputField>(StringComparer.Ordinal);
            TimeSpan? timeout = null;
            foreach (JsonProperty property in spec.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "activity":
                        activity = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                            : throw new FormatException($"node \"{node.Name}\": \"activity\" must be a string such as \"identity.user-lookup\"");
                        break;
                    case "options":
                        options = Object(property.Value, $"node \"{node.Name}\" \"options\"").Clone();
                        break;
                    case "input":
                        foreach (JsonProperty field in Object(property.Value, $"node \"{node.Name}\" \"input\"").EnumerateObject())
                        {
                            input[field.Name] = Field(node.Name, field);
                        }

                        break;
                    case "timeout":
                        timeout = Duration(node.Name, property.Value);
                        break;
                    default:
                        throw new FormatException($"node \"{node.Name}\": unknown key \"{property.Name}\"; expected activity, options, input or timeout");
                }
            }

            nodes[node.Name] = new NodeSpec(activity, options, input.ToImmutable(), timeout);
        }

        return nodes.ToImmutable();
    }

    private static InputField Field(string node, JsonProperty field)
    {
        string? type = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
        bool optional = type is not null && type.EndsWith('?');
        type = optional ? type![..^1] : type;
        if (type is null || !InputField.Types.Contains(type))
        {
            throw new FormatException($"node \"{node}\": input \"{field.Name}\" must be one of {string.Join(", ", InputField.Types)} (add '?' for optional), not {field.Value.GetRawText()}");
        }

        return new InputField(type, Required: !optional);
    }

    private static TimeSpan Duration(string node, JsonElement value)
    {
        string text = value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
        try
        {
            TimeSpan duration = text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            if (duration > TimeSpan.Zero)
            {
                return duration;
            }
        }
        catch (FormatException)
        {
        }
        catch (OverflowException)
        {
        }

        throw new FormatException($"node \"{node}\": \"timeout\" must be a positive duration such as \"PT15M\" or \"00:15:00\", not {value.GetRawText()}");
    }

    private static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new FormatException($"{what} must be a JSON object");

    /// <summary>One node's entry.</summary>
    public sealed record NodeSpec(string? Activity, JsonElement Options, ImmutableSortedDictionary<string, InputField> Input, TimeSpan? Timeout);
}
