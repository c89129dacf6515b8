using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Hosting.Routes;

/// <summary>Reads <c>routes.json</c> beside the flows; a malformed file is refused with the route and the reason.</summary>
public static class RouteFile
{
    /// <summary>The file's name.</summary>
    public const string FileName = "routes.json";

    /// <summary>The routes of a flows folder (none when it has no routes.json).</summary>
    /// <exception cref="FormatException">The file is not valid; the message names the route and the fix.</exception>
    public static ImmutableArray<RouteDefinition> Load(string flowsFolder)
    {
        string path = System.IO.Path.Combine(flowsFolder, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
    }

    /// <summary>Parses the text of a route file.</summary>
    public static ImmutableArray<RouteDefinition> Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("routes", out JsonElement routes) || routes.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{FileName} must hold {{\"routes\": {{\"POST /path\": {{...}}}}}}");
        }

        var result = ImmutableArray.CreateBuilder<RouteDefinition>();
        foreach (JsonProperty route in routes.EnumerateObject())
        {
            string[] key = route.Name.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (key.Length != 2 || key[0] is not ("GET" or "POST" or "PUT" or "DELETE") || !key[1].StartsWith('/'))
            {
                throw new FormatException($"route \"{route.Name}\": the key is \"METHOD /path\", e.g. \"POST /api/auth/login\"");
            }

            JsonElement r = route.Value.Clone();
            var answers = ImmutableArray.CreateBuilder<(string, JsonElement)>();
            if (r.TryGetProperty("answers", out JsonElement list))
            {
                foreach (JsonElement answer in list.EnumerateArray())
                {
                    answers.Add((answer.GetProperty("node").GetString()!, answer.TryGetProperty("input", out JsonElement input) ? input : default));
                }
            }

            var results = ImmutableArray.CreateBuilder<(string, int, JsonElement)>();
            if (r.TryGetProperty("results", out JsonElement rules))
            {
                foreach (JsonProperty rule in rules.EnumerateObject())
                {
                    results.Add((rule.Name, rule.Value.GetProperty("status").GetInt32(), rule.Value.TryGetProperty("body", out JsonElement body) ? body : default));
                }
            }

            string? start = r.TryGetProperty("start", out JsonElement s) ? s.GetString() : null;
            JsonElement? resume = r.TryGetProperty("resume", out JsonElement res) ? res : null;
            (int, JsonElement)? respond = Response(r, "respond");
            if ((start is null ? 0 : 1) + (resume is null ? 0 : 1) + (respond is null ? 0 : 1) != 1)
            {
                throw new FormatException($"route \"{route.Name}\": give exactly one of \"start\" (a flow), \"resume\" (an instance) or \"respond\"");
            }

            result.Add(new RouteDefinition(key[0], key[1],
                r.TryGetProperty("public", out JsonElement p) && p.GetBoolean(),
                r.TryGetProperty("limit", out JsonElement limit) ? limit.GetString() : null,
                start, resume, answers.ToImmutable(), results.ToImmutable(), Response(r, "notFound"), respond));
        }

        return result.ToImmutable();
    }

    private static (int Status, JsonElement Body)? Response(JsonElement route, string name) =>
        route.TryGetProperty(name, out JsonElement response)
            ? (response.GetProperty("status").GetInt32(), response.TryGetProperty("body", out JsonElement body) ? body : default)
            : null;
}
