using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Hosting.Routes;

/// <summary>Maps checked routes: each request starts or finds an instance, answers its waits, and answers with the rule its result matches.</summary>
internal static class RouteEndpoints
{
    /// <summary>Maps the routes (read and checked by <see cref="RouteFile"/>).</summary>
    public static RouteGroupBuilder MapFlowRoutes(this IEndpointRouteBuilder endpoints, IEnumerable<RouteDefinition> routes)
    {
        RouteGroupBuilder group = endpoints.MapGroup(string.Empty);
        foreach (RouteDefinition route in routes)
        {
            Func<HttpContext, Task<IResult>> handler = http => HandleAsync(http, route);
            RouteHandlerBuilder mapped = group.MapMethods(route.Path, [route.Method], (Delegate)handler)
                .WithName(RouteOpenApi.OperationId(route))
                .WithTags(FlowRunnerOpenApi.RoutesTag)
                .WithMetadata(route); // read by RouteOpenApi to describe the bodies
            foreach (int status in RouteOpenApi.Problems(route))
            {
                mapped.ProducesProblem(status);
            }

            if (route.IsPublic)
            {
                mapped.AllowAnonymous();
            }
            else if (route.IsService)
            {
                mapped.RequireAuthorization(FlowRunnerServiceCollectionExtensions.ServicePolicy);
            }
            else
            {
                mapped.RequireAuthorization();
            }
        }

        return group;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, RouteDefinition route)
    {
        // Route answers carry tokens and codes: no cache may keep them (RFC 6749 §5.1).
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        IServiceProvider services = http.RequestServices;
        RouteLimits limits = services.GetRequiredService<RouteLimits>();
        string client = ClientAddress.Partition(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"].ToString(),
            services.GetRequiredService<FlowRunnerOptions>().TrustedProxies);
        if (route.IsPublic && await limits.TryIpAsync(client, http.RequestAborted).ConfigureAwait(false) is { } ipWait)
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

        var scope = new Scope(http, body, services.GetServices<IRouteFunction>());
        if (route.Limit is { } limitExpression && scope.Text(limitExpression) is { Length: > 0 } account && await limits.TryAccountAsync(route.Path + "|" + account, http.RequestAborted).ConfigureAwait(false) is { } accountWait)
        {
            return TooMany(http, accountWait);
        }

        if (route.Target is Respond respond)
        {
            return scope.Respond(respond.Response);
        }

        FlowRuntime runtime = services.GetRequiredService<FlowRuntime>();
        RunResult? result;
        try
        {
            result = await StartOrFindAsync(route.Target, scope, services, http.RequestAborted).ConfigureAwait(false);
            if (result is null)
            {
                return route.NotFound is { } notFound
                    ? scope.Respond(notFound)
                    : Problem(StatusCodes.Status404NotFound, "Not found", "nothing waits for this request");
            }

            int applied = 0;
            foreach (RouteAnswer answer in route.Answers.Where(a => result.WaitingAt.Any(w => w.Node == a.Node)))
            {
                result = await runtime.ResumeAsync(result.InstanceId, answer.Node, scope.Input(answer.Input), null, http.RequestAborted).ConfigureAwait(false);
                scope.Merge(result);
                applied++;
            }

            // A route that answers an existing instance speaks for this request's answer only: an instance that waits for
            // none of them (completed, faulted, or at another step) is, for this request, not there (a replayed 2FA session).
            if (route.Target is not StartFlow && route.Answers.Length > 0 && applied == 0)
            {
                return route.NotFound is { } gone
                    ? scope.Respond(gone)
                    : Problem(StatusCodes.Status404NotFound, "Not found", "nothing waits for this request");
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
        catch (ActivityBusyException e)
        {
            return TooMany(http, e.RetryAfter);
        }
        catch (FlowNotRunnableException e)
        {
            // The server's configuration, not the caller's request: the reason goes to the log only.
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RouteEndpoints)).LogError("{Method} {Path}: {Reason}", route.Method, route.Path, e.Message);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "the request cannot be completed on this server now");
        }

        if (route.Results.FirstOrDefault(r => Matches(r.When, result)) is { } rule)
        {
            return scope.Respond(rule.Response);
        }

        // What went wrong stays in the log, with the instance to look at; the caller learns nothing about the flow's insides.
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RouteEndpoints)).LogError(
            "{Method} {Path}: no result rule matches instance {InstanceId} ({Status}): {Detail}", route.Method, route.Path, result.InstanceId,
            InstancePath.StatusName(result.Status), result.Incident?.Message ?? "waiting at " + string.Join(", ", result.WaitingAt.Select(w => w.Node)));
        return Problem(StatusCodes.Status500InternalServerError, "Internal error", "the request could not be completed");
    }

    private static async Task<RunResult?> StartOrFindAsync(RouteTarget target, Scope scope, IServiceProvider services, CancellationToken cancellationToken)
    {
        FlowRuntime runtime = services.GetRequiredService<FlowRuntime>();
        IInstanceStore store = services.GetRequiredService<IInstanceStore>();
        (string flow, string? id) = target switch
        {
            StartFlow start => (start.Flow, null),
            ResumeInstance resume => (resume.Flow, scope.Text(resume.Instance)),
            FindWaiting find => (find.Flow, scope.Value(find.EqualTo) is { } value
                ? await store.FindWaitingInstanceAsync(find.Flow, find.Node, find.Variable, value, cancellationToken).ConfigureAwait(false)
                : null),
            _ => throw new InvalidOperationException($"route target {target.GetType().Name} runs nothing"),
        };

        if (target is StartFlow)
        {
            if (services.GetRequiredService<FlowHost>().Find(flow)?.Current is not { Flow: { } bound } served)
            {
                return null;
            }

            RunResult started = await runtime.StartAsync(bound, served.Source, cancellationToken).ConfigureAwait(false);
            scope.Instance = started.InstanceId;
            scope.Merge(started);
            return started;
        }

        if (id is null || await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } state || state.FlowName != flow)
        {
            return null;
        }

        scope.Instance = id;
        return await runtime.GetResultAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private static bool Matches(RouteCondition when, RunResult result) => when.Kind switch
    {
        RouteConditionKind.Any => true,
        RouteConditionKind.Completed => result.Status == InstanceStatus.Completed && (when.Node is null || (result.Path.Length > 0 && result.Path[^1] == when.Node)),
        RouteConditionKind.Waiting => result.WaitingAt.Any(w => w.Node == when.Node),
        _ => result.Status == InstanceStatus.Faulted,
    };

    /// <summary>Sets Retry-After to the wait in whole seconds (at least one) and returns them.</summary>
    internal static int RetryAfter(HttpResponse response, TimeSpan wait)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return seconds;
    }

    private static IResult TooMany(HttpContext http, TimeSpan wait) =>
        Problem(StatusCodes.Status429TooManyRequests, "Too many requests", $"try again in {RetryAfter(http.Response, wait)} seconds");

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>What a route's expressions read: the request, the user, and the outputs the run delivered to this request.</summary>
    private sealed class Scope(HttpContext http, JsonElement body, IEnumerable<IRouteFunction> functions)
    {
        private readonly Dictionary<string, JsonElement> _outputs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, IRouteFunction> _functions = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);

        public string? Instance { get; set; }

        /// <summary>Collects outputs (secret ones included, delivered to this request) across the steps of the request.</summary>
        public void Merge(RunResult result)
        {
            foreach ((string key, JsonElement value) in result.Outputs)
            {
                _outputs[key] = value;
            }
        }

        public string? Text(RouteExpression expression) => Value(expression) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

        public JsonElement? Value(RouteExpression expression)
        {
            JsonElement? value = (expression.Source, expression.Name) switch
            {
                ("body", string name) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out JsonElement v) ? v : null,
                ("path", string name) => http.Request.RouteValues.TryGetValue(name, out object? p) && p is string s ? JsonSerializer.SerializeToElement(s) : null,
                ("outputs", string name) => _outputs.TryGetValue(name, out JsonElement o) ? o : null,
                ("instance", _) => Instance is null ? null : JsonSerializer.SerializeToElement(Instance),
                ("user", string claim) => http.User.FindFirst(claim switch
                {
                    "sub" => ClaimTypes.NameIdentifier,
                    "email" => ClaimTypes.Email,
                    _ => ClaimTypes.Role,
                })?.Value is { } c ? JsonSerializer.SerializeToElement(c) : null,
                _ => http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JsonSerializer.SerializeToElement(auth[7..].Trim()) : null,
            };
            if (expression.Function is not { } function || value is not { } plain)
            {
                return value;
            }

            string text = plain.ValueKind == JsonValueKind.String ? plain.GetString()! : plain.GetRawText();
            return JsonSerializer.SerializeToElement(_functions[function].Apply(text));
        }

        public ImmutableDictionary<string, JsonElement> Input(RouteTemplate template)
        {
            ImmutableDictionary<string, JsonElement>.Builder input = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
            foreach (JsonProperty field in template.Json.EnumerateObject())
            {
                JsonElement? value = field.Value.ValueKind == JsonValueKind.String && template.Find(field.Value.GetString()!) is { } expression
                    ? Value(expression)
                    : field.Value;
                if (value is { } v)
                {
                    input[field.Name] = v.Clone();
                }
            }

            return input.ToImmutable();
        }

        public IResult Respond(RouteResponse response) =>
            Results.Json(response.Body is { } template ? Render(template.Json, template) : null, statusCode: response.Status);

        private JsonNode? Render(JsonElement json, RouteTemplate template) => json.ValueKind switch
        {
            JsonValueKind.Object => new JsonObject(json.EnumerateObject()
                .Select(p => KeyValuePair.Create(p.Name, Render(p.Value, template)))
                .Where(p => p.Value is not null)),
            JsonValueKind.Array => new JsonArray([.. json.EnumerateArray().Select(item => Render(item, template))]),
            JsonValueKind.String when template.Find(json.GetString()!) is { } expression =>
                Value(expression) is { } v ? JsonNode.Parse(v.GetRawText()) : null,
            _ => JsonNode.Parse(json.GetRawText()),
        };
    }
}
