using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlowRunner.Hosting;

/// <summary>
/// What makes <c>/openapi/v1.json</c> true to the server, beyond what ASP.NET Core derives: the bearer scheme and where
/// it applies (401 with <c>WWW-Authenticate: Bearer</c>, 403 for admin routes), <c>Retry-After</c> on every 429, path
/// parameters of catch-all and routes-file paths, a JSON body that is one of several shapes, and described tags.
/// Checked by Redocly CLI and @readme/openapi-parser, and real answers are checked against its schemas (the tests).
/// </summary>
internal static partial class FlowRunnerOpenApi
{
    public const string BearerScheme = "bearer";
    public const string HealthTag = "health";
    public const string FlowsTag = "flows";
    public const string RoutesTag = "routes";
    public const string GatewayBackendTag = "gateway-backend";

    /// <summary>Endpoint metadata: the 200 JSON body is one of these types (a catch-all route answering several things).</summary>
    public sealed record OneOfJson(params Type[] Types);

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            foreach (OpenApiServer server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/'); // the request's base address, written with a slash Redocly refuses
            }

            document.Info.Title = "FlowRunner";
            document.Info.Description = "Flows hosted as an API: the generic flow and instance API (admin), and the routes of the routes file.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from POST /api/auth/login (or /api/auth/refresh); the generic API needs the admin role.",
            };
            document.Tags = new HashSet<OpenApiTag>
            {
                new() { Name = HealthTag, Description = "Whether the server runs." },
                new() { Name = FlowsTag, Description = "The generic API: flows, their diagnostics and pictures, instances and answers to their waits (admin role)." },
                new() { Name = RoutesTag, Description = "The routes of the routes file: each starts or finds an instance of a flow and answers from its result." },
                new() { Name = GatewayBackendTag, Description = "The backend routes the API gateway calls with the service token: session lookup, and user routes acting for a device session." },
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            IList<object> metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<Routes.RouteDefinition>().FirstOrDefault() is { } route)
            {
                Routes.RouteOpenApi.Describe(operation, route);
            }

            if (metadata.OfType<OneOfJson>().FirstOrDefault() is { } oneOf && operation.Responses?["200"] is OpenApiResponse ok)
            {
                var schemas = new List<IOpenApiSchema>();
                foreach (Type type in oneOf.Types)
                {
                    schemas.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken).ConfigureAwait(false));
                }

                ok.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
                ok.Content["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { OneOf = schemas } };
            }

            AddPathParameters(operation, context.Description.RelativePath ?? string.Empty);
            operation.Responses ??= [];
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = [];
            }
            else
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                var challenge = new OpenApiHeader { Description = "Bearer, with the error when a token was sent (RFC 6750)", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                if (!operation.Responses.TryGetValue("401", out IOpenApiResponse? stated) || stated is not OpenApiResponse denied)
                {
                    denied = new OpenApiResponse { Description = "The access token is missing, expired or invalid" };
                    operation.Responses["401"] = denied;
                }
                else
                {
                    denied.Description += "; or the access token is missing, expired or invalid";
                }

                denied.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                denied.Headers["WWW-Authenticate"] = challenge;
                AddProblemBody(denied, context.Document);
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == FlowRunnerServiceCollectionExtensions.AdminPolicy))
                {
                    var forbidden = new OpenApiResponse { Description = "The access token's user is not an admin" };
                    AddProblemBody(forbidden, context.Document);
                    operation.Responses.TryAdd("403", forbidden);
                }

                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == FlowRunnerServiceCollectionExtensions.ServicePolicy))
                {
                    var forbidden = new OpenApiResponse { Description = "The bearer token is not the service token" };
                    AddProblemBody(forbidden, context.Document);
                    operation.Responses.TryAdd("403", forbidden);
                }
            }

            if (operation.Responses.TryGetValue("429", out IOpenApiResponse? tooMany) && tooMany is OpenApiResponse limited)
            {
                limited.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                limited.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
        });
    }

    // The status code pages answer 401 and 403 with a ProblemDetails body (the schema ProducesProblem registers).
    private static void AddProblemBody(OpenApiResponse response, OpenApiDocument? document)
    {
        response.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
        response.Content.TryAdd("application/problem+json", new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", document) });
    }

    // {token}, {id}, and catch-alls {**name}: every path parameter declared, as a required string.
    private static void AddPathParameters(OpenApiOperation operation, string path)
    {
        foreach (Match match in PathParameter().Matches(path))
        {
            string name = match.Groups[1].Value;
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name))
            {
                operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            }
        }
    }

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex PathParameter();
}
