using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace FlowRunner.Hosting.Routes;

/// <summary>
/// Describes a <c>routes.json</c> route in the OpenAPI document from its definition: the request body's fields are
/// the <c>body.x</c> the route reads, each response is the body its result rule writes (literal values keep their
/// JSON type; values taken from the instance are described by where they come from).
/// </summary>
internal static class RouteOpenApi
{
    public static void Describe(OpenApiOperation operation, RouteDefinition route)
    {
        operation.Summary ??= route.Target switch
        {
            StartFlow start => $"Starts flow {start.Flow} and answers its waits",
            Respond => "Answers from the route file",
            _ => "Finds an instance and answers its waits",
        };
        string[] fields = [.. BodyFields(route)];
        if (route.Method != "GET")
        {
            var body = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) };
            foreach (string field in fields)
            {
                body.Properties[field] = new OpenApiSchema { Type = JsonSchemaType.String };
            }

            body.Required = new HashSet<string>(fields, StringComparer.Ordinal);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new OpenApiMediaType { Schema = body } },
            };
        }

        var rules = new List<(string Condition, int Status, JsonElement Body)>(route.Results.Select(r => (Condition(r.When.Text), r.Response.Status, Body(r.Response))));
        if (route.NotFound is { } notFound)
        {
            rules.Add(("no such instance", notFound.Status, Body(notFound)));
        }

        if (route.Target is Respond respond)
        {
            rules.Add(("always", respond.Response.Status, Body(respond.Response)));
        }

        operation.Responses ??= [];
        foreach (IGrouping<int, (string Condition, int Status, JsonElement Body)> status in rules.GroupBy(r => r.Status))
        {
            // One schema per distinct body: a real answer then matches exactly one branch of oneOf.
            IOpenApiSchema[] schemas = [.. status.Select(r => Schema(r.Body)).DistinctBy(Serialized)];
            operation.Responses[status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = string.Join("; or ", status.Select(r => r.Condition)),
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/json"] = new OpenApiMediaType { Schema = schemas.Length == 1 ? schemas[0] : new OpenApiSchema { OneOf = [.. schemas] } },
                },
            };
        }
    }

    /// <summary>A URL-safe operation id: <c>POST /api/auth/reset/{token}</c> is <c>postApiAuthResetByToken</c>.</summary>
    internal static string OperationId(RouteDefinition route) =>
        route.Method.ToLowerInvariant() + string.Concat(route.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(segment =>
            segment.StartsWith('{') ? "By" + Pascal(segment.Trim('{', '}', '*')) : Pascal(segment)));

    /// <summary>The ProblemDetails answers a route can give besides its result rules (RouteEndpoints.HandleAsync).</summary>
    internal static IEnumerable<int> Problems(RouteDefinition route)
    {
        yield return 400; // malformed JSON, or an answer the wait refuses
        if (route.Method != "GET")
        {
            yield return 413;
            yield return 415;
        }

        if (route.Target is ResumeInstance or FindWaiting)
        {
            yield return 409; // another answer won
        }

        yield return 429; // rate limits and busy handlers
        yield return 500;
    }

    private static string Pascal(string segment) =>
        string.Concat(segment.Split('-', '_', '.').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static string Serialized(IOpenApiSchema schema)
    {
        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    // A result rule's condition in words.
    private static string Condition(string when) => when switch
    {
        "*" => "any other result",
        "completed" => "the flow completed",
        "faulted" => "the flow faulted",
        _ when when.StartsWith("completed at ", StringComparison.Ordinal) => "the flow completed at " + when["completed at ".Length..],
        _ when when.StartsWith("waiting ", StringComparison.Ordinal) => "the instance waits at " + when["waiting ".Length..],
        _ => when,
    };

    /// <summary>The request body fields a route reads, in order of first use.</summary>
    internal static IEnumerable<string> BodyFields(RouteDefinition route)
    {
        IEnumerable<RouteExpression> read = route.Answers.SelectMany(a => a.Input.Expressions)
            .Concat(route.Limit is { } limit ? [limit] : [])
            .Concat(route.Target switch
            {
                ResumeInstance resume => [resume.Instance],
                FindWaiting find => [find.EqualTo],
                _ => [],
            });
        return read.Where(e => e.Source == "body").Select(e => e.Name).Distinct(StringComparer.Ordinal);
    }

    private static JsonElement Body(RouteResponse response) => response.Body?.Json ?? default;

    private static OpenApiSchema Schema(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = value.EnumerateObject().ToDictionary(p => p.Name, p => (IOpenApiSchema)Schema(p.Value), StringComparer.Ordinal),
            Required = new HashSet<string>(value.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal),
        },
        JsonValueKind.Array => new OpenApiSchema { Type = JsonSchemaType.Array },
        JsonValueKind.True or JsonValueKind.False => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        JsonValueKind.Number => new OpenApiSchema { Type = JsonSchemaType.Number },
        JsonValueKind.String when value.GetString() is ['=', .. string expression] => new OpenApiSchema { Description = "from " + expression },
        JsonValueKind.String => new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(value.GetString()!)] },
        _ => new OpenApiSchema(),
    };
}
