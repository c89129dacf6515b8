using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Hosting.Routes;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Export;
using FlowRunner.Language.Rendering;
using FlowRunner.Language.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Hosting;

/// <summary>
/// The generic API: flows and their diagnostics, instances, answers to waits. Errors are ProblemDetails (RFC 9457)
/// carrying the diagnostic id where there is one; a raced or stale answer is 409.
/// </summary>
public static class FlowEndpoints
{
    /// <summary>
    /// Loads the flows and maps the API, the routes file (if one was added), <c>/health</c>, <c>/openapi/v1.json</c> and
    /// the web page at <c>/</c>. Request bodies larger than <see cref="FlowRunnerOptions.MaxRequestBodyBytes"/> are refused.
    /// </summary>
    /// <exception cref="FlowRunnerConfigurationException">The routes file has errors (each one with its place and a fix).</exception>
    public static IEndpointRouteBuilder MapFlows(this IEndpointRouteBuilder endpoints)
    {
        FlowRunnerOptions options = endpoints.ServiceProvider.GetRequiredService<FlowRunnerOptions>();
        FlowHost host = endpoints.ServiceProvider.GetRequiredService<FlowHost>();
        host.LoadAll();

        string database = endpoints.ServiceProvider.GetRequiredService<IInstanceStore>() is Storage.Postgres.PostgresInstanceStore ? "postgresql" : "sqlite";
        endpoints.MapGet("/health", () => Results.Ok(new Health("healthy", options.NodeId, database))).AllowAnonymous().WithName("health")
            .WithSummary("Answers 200 while the server runs, with this node's id and the kind of database (nothing secret)").WithTags(FlowRunnerOpenApi.HealthTag).Produces<Health>();
        endpoints.MapOpenApi().AllowAnonymous();
        endpoints.MapFlowRunnerPage();

        RouteGroupBuilder api = endpoints.MapGroup(string.Empty).RequireAuthorization(FlowRunnerServiceCollectionExtensions.AdminPolicy)
            .WithTags(FlowRunnerOpenApi.FlowsTag);
        LimitRequestBodies(api, options.MaxRequestBodyBytes);
        api.MapGet("/flows", ListFlows).WithName("listFlows").WithSummary("Lists the flows with their versions and diagnostic counts")
            .Produces<FlowSummary[]>();
        api.MapGet("/flows/{**name}", GetFlow).WithName("getFlow")
            .WithSummary("Describes a flow (graph and diagnostics); with /diagram.svg draws it; with /instances lists its latest instances")
            .WithMetadata(new FlowRunnerOpenApi.OneOfJson(typeof(FlowDescription), typeof(InstanceListItem[])))
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/instances/{id}/nodes/{nodeId}", AnswerAsync).WithName("answerWait")
            .WithSummary("Answers the wait of an instance at a node (If-Match: the version read, to refuse a stale answer)")
            .Produces<RunResult>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/instances/{id}", GetInstanceAsync).WithName("getInstance").WithSummary("An instance's state and journal")
            .Produces<InstanceView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/instances/{id}/diagram.svg", GetInstanceDiagramAsync).WithName("getInstanceDiagram")
            .WithSummary("Draws the flow with the instance's path, waits and fault")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/flows/{**name}", StartAsync).WithName("startInstance") // POST /flows/{name}/instances
            .WithSummary("Starts an instance of a flow (the path is /flows/{name}/instances)")
            .Produces<RunResult>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests);

        if (endpoints.ServiceProvider.GetService<FlowRunner.Activities.Identity.IdentityServices>() is not null)
        {
            LimitRequestBodies(Identity.DeviceSessionEndpoints.Map(endpoints), options.MaxRequestBodyBytes);
        }

        // Routes declared in a routes file (e.g. seed 002's /api/auth/...), checked against the flows first.
        if (options.RoutesFile is { } file)
        {
            var context = new RouteTargets(host.Graphs, endpoints.ServiceProvider.GetServices<IRouteFunction>().Select(f => f.Name).ToHashSet(StringComparer.Ordinal));
            RouteFileResult routes = RouteFile.Load(file, context);
            if (routes.HasErrors)
            {
                throw new FlowRunnerConfigurationException(routes.Source, routes.Diagnostics);
            }

            LimitRequestBodies(endpoints.MapFlowRoutes(routes.Routes), options.MaxRequestBodyBytes);
        }

        return endpoints;
    }

    // Sets the request's body limit before anything reads it; Kestrel refuses a larger body with 413.
    private static void LimitRequestBodies(RouteGroupBuilder group, long bytes) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            if (context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = bytes;
            }

            return await next(context).ConfigureAwait(false);
        });

    private static IResult ListFlows(FlowHost host) => Results.Ok(host.Flows.Select(f => new FlowSummary(
        f.Name,
        f.Current.Flow?.Hash,
        f.Current.Flow is not null,
        f.Latest.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error),
        f.Latest.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning))));

    // GET /flows/{name}, /flows/{name}/diagram.svg and /flows/{name}/instances share the catch-all route.
    private static async Task<IResult> GetFlow(string name, FlowHost host, IInstanceStore store, CancellationToken cancellationToken)
    {
        const string diagram = "/diagram.svg";
        const string instances = "/instances";
        if (name.EndsWith(diagram, StringComparison.Ordinal) && host.Find(name[..^diagram.Length]) is { } drawn)
        {
            return DrawFlow(drawn);
        }

        if (name.EndsWith(instances, StringComparison.Ordinal) && host.Find(name[..^instances.Length]) is { } listed)
        {
            IReadOnlyList<InstanceSummary> found = await store.ListAsync(listed.Name, 50, cancellationToken).ConfigureAwait(false);
            return Results.Ok(found.Select(i => new InstanceListItem(i.Id, InstancePath.StatusName(i.Status), i.Version, i.CreatedAt, i.UpdatedAt)));
        }

        return DescribeFlow(name, host);
    }

    // The latest edit, or the version that serves when the latest text has language errors.
    private static IResult DrawFlow(ServedFlow flow)
    {
        if ((flow.Latest.Compiled ?? flow.Current.Compiled) is not { } compiled)
        {
            Diagnostic first = flow.Latest.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            return Problem(StatusCodes.Status422UnprocessableEntity, "Flow has errors", first.Message, first.Id);
        }

        return Svg(SvgRenderer.Render(compiled.Graph, flow.Name));
    }

    // The version the instance ran, with its path from the journal.
    private static async Task<IResult> GetInstanceDiagramAsync(string id, IInstanceStore store, FlowCatalog catalog, CancellationToken cancellationToken)
    {
        InstanceState? state = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (state is null || await catalog.ResolveAsync(state.FlowName, state.FlowHash, cancellationToken).ConfigureAwait(false) is not { } flow)
        {
            return Problem(StatusCodes.Status404NotFound, "Instance not found", $"no instance '{id}'");
        }

        IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync(id, cancellationToken).ConfigureAwait(false);
        return Svg(SvgRenderer.Render(flow.Graph, $"{state.FlowName}, instance {state.Id}", SvgOverlay.Of(flow.Graph, InstancePath.Of(state, journal))));
    }

    private static IResult Svg(string svg) => Results.Text(svg, "image/svg+xml; charset=utf-8");

    private static IResult DescribeFlow(string name, FlowHost host)
    {
        if (host.Find(name) is not { } flow)
        {
            return Problem(StatusCodes.Status404NotFound, "Flow not found", $"no flow is named '{name}'");
        }

        var source = SourceText.From(flow.Latest.Source, flow.Name);
        return Results.Ok(new FlowDescription(
            flow.Name,
            flow.Current.Flow?.Hash,
            flow.Current.Flow is { } bound ? GraphExport.From(bound.Graph) : null,
            [.. flow.Latest.Diagnostics.Select(d =>
            {
                LinePosition at = source.GetLinePosition(d.Location.Start);
                return new FlowDiagnostic(d.Id, DiagnosticFormatter.SeverityName(d.Severity), d.Message, at.Line + 1, at.Character + 1, d.Hint);
            })]));
    }

    private static async Task<IResult> StartAsync(string name, FlowHost host, FlowRuntime runtime, HttpResponse response, CancellationToken cancellationToken)
    {
        const string suffix = "/instances";
        if (!name.EndsWith(suffix, StringComparison.Ordinal) || host.Find(name[..^suffix.Length]) is not { } flow)
        {
            return Problem(StatusCodes.Status404NotFound, "Flow not found", $"no flow is named '{name.TrimEnd('/')}'; start instances with POST /flows/{{id}}/instances");
        }

        if (flow.Current.Flow is not { } bound)
        {
            Diagnostic first = flow.Current.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            return Problem(StatusCodes.Status422UnprocessableEntity, "Flow has errors", first.Message, first.Id);
        }

        try
        {
            RunResult result = await runtime.StartAsync(bound, flow.Current.Source, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/instances/{result.InstanceId}", result);
        }
        catch (FlowNotRunnableException e)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Flow cannot run", e.Message, Descriptors.NoStart.Id);
        }
        catch (ActivityBusyException e)
        {
            return Busy(response, e);
        }
    }

    private static async Task<IResult> GetInstanceAsync(string id, FlowRuntime runtime, IInstanceStore store, CancellationToken cancellationToken)
    {
        try
        {
            RunResult result = await runtime.GetResultAsync(id, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<JournalEntry> journal = await store.GetJournalAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new InstanceView(result, journal));
        }
        catch (InstanceNotFoundException e)
        {
            return Problem(StatusCodes.Status404NotFound, "Instance not found", e.Message);
        }
    }

    private static async Task<IResult> AnswerAsync(string id, string nodeId, HttpRequest request, FlowRuntime runtime, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "send the answer as application/json");
        }

        ImmutableDictionary<string, JsonElement> input;
        try
        {
            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid answer", "the answer must be a JSON object such as {\"outcome\": \"Yes\"} or {}");
            }

            input = document.RootElement.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", "the answer is larger than the server accepts");
        }

        int? expectedVersion = int.TryParse(request.Headers.IfMatch.ToString().Trim('"'), out int v) ? v : null;
        try
        {
            return Results.Ok(await runtime.ResumeAsync(id, nodeId, input, expectedVersion, cancellationToken).ConfigureAwait(false));
        }
        catch (InstanceNotFoundException e)
        {
            return Problem(StatusCodes.Status404NotFound, "Instance not found", e.Message);
        }
        catch (NotWaitingException e)
        {
            return Problem(StatusCodes.Status409Conflict, "Not waiting", e.Message);
        }
        catch (ConcurrencyException e)
        {
            return Problem(StatusCodes.Status409Conflict, "Stale version", e.Message);
        }
        catch (InvalidInputException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid answer", e.Message);
        }
        catch (ActivityBusyException e)
        {
            return Busy(request.HttpContext.Response, e);
        }
        catch (FlowNotRunnableException e)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Instance cannot run on this server", e.Message);
        }
    }

    private static IResult Busy(HttpResponse response, ActivityBusyException e)
    {
        int seconds = RouteEndpoints.RetryAfter(response, e.RetryAfter);
        return Problem(StatusCodes.Status429TooManyRequests, "Busy", $"{e.Message}; the instance faulted: start again in {seconds} seconds");
    }

    private static IResult Problem(int status, string title, string detail, string? diagnosticId = null) =>
        Results.Problem(detail: detail, statusCode: status, title: title,
            extensions: diagnosticId is null ? null : new Dictionary<string, object?> { ["diagnosticId"] = diagnosticId });

    // The answers' shapes, named so the OpenAPI document describes them.
    internal sealed record Health(string Status, string Node, string Database);

    internal sealed record FlowSummary(string Id, string? Version, bool Runnable, int Errors, int Warnings);

    internal sealed record FlowDescription(string Id, string? Version, GraphExport? Graph, IReadOnlyList<FlowDiagnostic> Diagnostics);

    internal sealed record FlowDiagnostic(string Id, string Severity, string Message, int Line, int Column, string? Hint);

    internal sealed record InstanceListItem(string Id, string Status, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    internal sealed record InstanceView(RunResult Instance, IReadOnlyList<JournalEntry> Journal);
}
