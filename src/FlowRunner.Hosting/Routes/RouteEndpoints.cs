using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Hosting.Routes;

/// <summary>Maps the routes of <c>routes.json</c>: each request starts or finds an instance, answers its waits, and answers with the rule its result matches.</summary>
public static class RouteEndpoints
{
    /// <summary>Maps every route of the flows folder's routes.json.</summary>
    public static IEndpointRouteBuilder MapFlowRoutes(this IEndpointRouteBuilder endpoints, IEnumerable<RouteDefinition> routes)
    {
        foreach (RouteDefinition route in routes)
        {
            Func<HttpContext, Task<IResult>> handler = http => HandleAsync(http, route);
            RouteHandlerBuilder mapped = endpoints.MapMethods(route.Path, [route.Method], (Delegate)handler)
                .WithName(route.Method + " " + route.Path)
                .WithMetadata(route); // read by RouteOpenApi to describe the bodies
            if (route.IsPublic)
            {
                mapped.AllowAnonymous();
            }
            else
            {
                mapped.RequireAuthorization();
            }
        }

        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, RouteDefinition route)
    {
        IServiceProvider services = http.RequestServices;
        RouteLimits limits = services.GetRequiredService<RouteLimits>();
        if (route.IsPublic && limits.TryIp(http.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } ipWait)
        {
            return TooMany(http, ipWait);
        }

        JsonElement body = default;
        if (route.Method != "GET")
        {
            if (!http.Request.HasJsonContentType())
            {
                return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "send the body as application/json");
            }

            try
            {
                using JsonDocument document = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
                body = document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone()
                    : throw new JsonException("the body must be a JSON object");
            }
            catch (JsonException e)
            {
                return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", e.Message);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", "the body is larger than the server accepts");
            }
        }

        var scope = new Scope(http, body, services.GetRequiredService<IdentityServices>());
        if (route.Limit is { } limitExpression && scope.Text(limitExpression) is { Length: > 0 } account && limits.TryAccount(route.Path + "|" + account) is { } accountWait)
        {
            return TooMany(http, accountWait);
        }

        if (route.Respond is { } respond)
        {
            return Respond(respond.Status, respond.Body, scope);
        }

        FlowRuntime runtime = services.GetRequiredService<FlowRuntime>();
        RunResult? result;
        try
        {
            result = await StartOrFindAsync(route, scope, services, http.RequestAborted).ConfigureAwait(false);
            if (result is null)
            {
                return route.NotFound is { } notFound
                    ? Respond(notFound.Status, notFound.Body, scope)
                    : Problem(StatusCodes.Status404NotFound, "Not found", "nothing waits for this request");
            }

            foreach ((string node, JsonElement template) in route.Answers)
            {
                if (result.WaitingAt.Any(w => w.Node == node))
                {
                    scope.Instance = result.InstanceId;
                    result = await runtime.ResumeAsync(result.InstanceId, node, scope.Input(template), null, http.RequestAborted).ConfigureAwait(false);
                    scope.Merge(result);
                }
            }
        }
        catch (InvalidInputException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid input", e.Message);
        }
        catch (NotWaitingException e)
        {
            return Problem(StatusCodes.Status409Conflict, "Not waiting", e.Message);
        }

        foreach ((string when, int status, JsonElement template) in route.Results)
        {
            if (Matches(when, result))
            {
                return Respond(status, template, scope);
            }
        }

        return Problem(StatusCodes.Status500InternalServerError, "Unexpected state",
            result.Incident?.Message ?? $"the flow ended {result.Status.ToString().ToLowerInvariant()} at {string.Join(", ", result.WaitingAt.Select(w => w.Node))}; no rule of the route matches");
    }

    private static async Task<RunResult?> StartOrFindAsync(RouteDefinition route, Scope scope, IServiceProvider services, CancellationToken cancellationToken)
    {
        FlowRuntime runtime = services.GetRequiredService<FlowRuntime>();
        if (route.Start is { } flowName)
        {
            ServedFlow? flow = services.GetRequiredService<FlowHost>().Find(flowName);
            if (flow?.Current.Flow is not { } bound)
            {
                return null;
            }

            RunResult started = await runtime.StartAsync(bound, flow.Current.Source, cancellationToken).ConfigureAwait(false);
            scope.Instance = started.InstanceId;
            scope.Merge(started);
            return started;
        }

        JsonElement resume = route.Resume!.Value;
        IInstanceStore store = services.GetRequiredService<IInstanceStore>();
        string? id;
        string expectedFlow;
        if (resume.TryGetProperty("find", out JsonElement find))
        {
            expectedFlow = find.GetProperty("flow").GetString()!;
            JsonElement? value = scope.Value(find.GetProperty("equals").GetString()!);
            id = value is null ? null : await store.FindWaitingInstanceAsync(expectedFlow, find.GetProperty("node").GetString()!,
                find.GetProperty("variable").GetString()!, value.Value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            expectedFlow = resume.GetProperty("flow").GetString()!;
            id = scope.Text(resume.GetProperty("instance").GetString()!);
        }

        if (id is null || await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } state || state.FlowName != expectedFlow)
        {
            return null;
        }

        scope.Instance = id;
        return await runtime.GetResultAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private static bool Matches(string when, RunResult result)
    {
        string[] parts = when.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            ["*"] => true,
            ["completed"] => result.Status == InstanceStatus.Completed,
            ["completed", "at", string node] => result.Status == InstanceStatus.Completed && result.Path.Length > 0 && result.Path[^1] == node,
            ["waiting", string node] => result.WaitingAt.Any(w => w.Node == node),
            ["faulted"] => result.Status == InstanceStatus.Faulted,
            _ => false,
        };
    }

    private static IResult Respond(int status, JsonElement template, Scope scope)
    {
        JsonNode? body = template.ValueKind == JsonValueKind.Undefined ? null : scope.Render(template);
        return Results.Json(body, statusCode: status);
    }

    private static IResult TooMany(HttpContext http, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status429TooManyRequests, "Too many requests", $"try again in {seconds} seconds");
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>
    /// Reads a routes.json value: <c>=source.name</c> (or <c>=hash:source.name</c>) is an expression, anything else a
    /// literal. The one reading of the syntax: requests evaluate it and the OpenAPI description lists its body fields.
    /// </summary>
    internal static bool TryReadExpression(string text, out bool hashed, out string[] parts)
    {
        hashed = text.StartsWith("=hash:", StringComparison.Ordinal);
        parts = text.StartsWith('=') ? text[(hashed ? "=hash:".Length : 1)..].Split('.', 2) : [];
        return text.StartsWith('=');
    }

    /// <summary>What a route's expressions can read.</summary>
    private sealed class Scope(HttpContext http, JsonElement body, IdentityServices identity)
    {
        private readonly Dictionary<string, JsonElement> _outputs = new(StringComparer.Ordinal);

        public string? Instance { get; set; }

        /// <summary>Collects outputs (including secret ones delivered to this request) across the steps of the request.</summary>
        public void Merge(RunResult result)
        {
            foreach ((string key, JsonElement value) in result.Outputs)
            {
                _outputs[key] = value;
            }
        }

        public string? Text(string expression) => Value(expression) is { ValueKind: JsonValueKind.String } v ? v.GetString() : Value(expression)?.GetRawText();

        public JsonElement? Value(string expression)
        {
            if (!TryReadExpression(expression, out bool hashed, out string[] parts))
            {
                return JsonSerializer.SerializeToElement(expression);
            }

            if (hashed)
            {
                return Text("=" + expression["=hash:".Length..]) is { } plain ? JsonSerializer.SerializeToElement(identity.Codes.HashCode(plain)) : null;
            }

            return parts switch
            {
                ["body", string name] => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out JsonElement v) ? v : null,
                ["path", string name] => http.Request.RouteValues.TryGetValue(name, out object? p) && p is string s ? JsonSerializer.SerializeToElement(s) : null,
                ["outputs", string name] => _outputs.TryGetValue(name, out JsonElement o) ? o : null,
                ["instance", "id"] => Instance is null ? null : JsonSerializer.SerializeToElement(Instance),
                ["user", string claim] => http.User.FindFirst(claim switch
                {
                    "sub" => ClaimTypes.NameIdentifier,
                    "email" => ClaimTypes.Email,
                    _ => ClaimTypes.Role,
                })?.Value is { } c ? JsonSerializer.SerializeToElement(c) : null,
                ["request", "bearer"] => http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JsonSerializer.SerializeToElement(auth[7..].Trim()) : null,
                _ => throw new FormatException($"unknown expression '{expression}' in routes.json"),
            };
        }

        public ImmutableDictionary<string, JsonElement> Input(JsonElement template)
        {
            ImmutableDictionary<string, JsonElement>.Builder input = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
            if (template.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty field in template.EnumerateObject())
                {
                    JsonElement? value = field.Value.ValueKind == JsonValueKind.String ? Value(field.Value.GetString()!) : field.Value;
                    if (value is { } v)
                    {
                        input[field.Name] = v.Clone();
                    }
                }
            }

            return input.ToImmutable();
        }

        public JsonNode? Render(JsonElement template) => template.ValueKind switch
        {
            JsonValueKind.Object => new JsonObject(template.EnumerateObject()
                .Select(p => KeyValuePair.Create(p.Name, Render(p.Value)))
                .Where(p => p.Value is not null)),
            JsonValueKind.Array => new JsonArray([.. template.EnumerateArray().Select(Render)]),
            JsonValueKind.String when template.GetString()!.StartsWith('=') => Value(template.GetString()!) is { } v ? JsonNode.Parse(v.GetRawText()) : null,
            _ => JsonNode.Parse(template.GetRawText()),
        };
    }
}
