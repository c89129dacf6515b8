using System.Globalization;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Gateway;

/// <summary>
/// The gateway's public auth routes (seed 004, first diagram). Each request runs the request-scoped public auth flow
/// (<see cref="GatewayOptions.PublicAuthFlow"/>): classify, check the body, rate-limit, forward to the backend's
/// internal auth route. Nothing reaches the backend unless every check before it passed.
/// </summary>
internal static partial class PublicAuthEndpoints
{
    public const string SendPath = "/api/v1/public/auth/send-email-code";

    public const string ConfirmPath = "/api/v1/public/auth/confirm-email-code";

    /// <summary>The OpenAPI tag of the gateway's routes.</summary>
    public const string Tag = "gateway";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SendPath, HandleAsync).AllowAnonymous().WithTags(Tag).WithName("sendEmailCode")
            .WithSummary("Sends a 6-digit sign-in code to the address (the same answer whether or not an account has it): 200 {challenge_id}")
            .Produces<SendAnswer>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapPost(ConfirmPath, HandleAsync).AllowAnonymous().WithTags(Tag).WithName("confirmEmailCode")
            .WithSummary("Confirms the code and registers the device's Ed25519 key: 200 {device_session_id, user_id, server_time_ms, gateway_public_key}")
            .Produces<ConfirmAnswer>().Produces<AuthError>(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, FlowHost flows, FlowRuntime runtime, GatewayOptions options, FlowRunnerOptions host,
        ILogger<PublicAuthCall> logger)
    {
        http.Response.Headers.CacheControl = "no-store"; // a challenge and a device session are nobody's to cache
        http.Response.Headers.Pragma = "no-cache";
        if (flows.Find(options.PublicAuthFlow)?.Current.Flow is not { } flow)
        {
            return Results.Problem($"the public auth flow '{options.PublicAuthFlow}' is not loaded: see the server's log", statusCode: 503, title: "Gateway not ready");
        }

        if (await ReadBodyAsync(http.Request, host.MaxRequestBodyBytes, http.RequestAborted).ConfigureAwait(false) is not { } body)
        {
            return Results.Problem($"the body may be at most {host.MaxRequestBodyBytes} bytes", statusCode: 413, title: "Body too large");
        }

        string client = Hosting.Routes.ClientAddress.Partition(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"], host.TrustedProxies);
        var call = new PublicAuthCall(http.Request.Path.Value ?? string.Empty, http.Request.ContentType, body, client);
        RunResult run = await runtime.RunRequestAsync(flow, call, http.RequestAborted).ConfigureAwait(false);
        if (run.Status == InstanceStatus.Completed && call.Answer is { } answer)
        {
            http.Response.StatusCode = answer.Status;
            return Results.Bytes(answer.Body, "application/json");
        }

        if (call.Refused is { } refused)
        {
            LogRefused(logger, run.Incident?.NodeId ?? "?", refused.Status, refused.Title);
            if (refused.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return Results.Problem(refused.Detail, statusCode: refused.Status, title: refused.Title);
        }

        LogFailed(logger, run.Incident?.NodeId ?? "?", run.Incident?.Message ?? "the flow ended without an answer");
        return Results.Problem("the public auth flow failed; see the server's log", statusCode: 500, title: "Gateway error");
    }

    // The body, or null when it is longer than the limit.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway refused a public auth request at {Node}: {Status} {Title}")]
    private static partial void LogRefused(ILogger logger, string node, int status, string title);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway public auth flow failed at {Node}: {Message}")]
    private static partial void LogFailed(ILogger logger, string node, string message);

    /// <summary>The answer to send-email-code.</summary>
    internal sealed record SendAnswer([property: System.Text.Json.Serialization.JsonPropertyName("challenge_id")] string ChallengeId);

    /// <summary>The answer to confirm-email-code.</summary>
    internal sealed record ConfirmAnswer(
        [property: System.Text.Json.Serialization.JsonPropertyName("device_session_id")] string DeviceSessionId,
        [property: System.Text.Json.Serialization.JsonPropertyName("user_id")] string UserId,
        [property: System.Text.Json.Serialization.JsonPropertyName("server_time_ms")] long ServerTimeMs,
        [property: System.Text.Json.Serialization.JsonPropertyName("gateway_public_key")] string GatewayPublicKey);

    /// <summary>A wrong code, or a challenge that is spent.</summary>
    internal sealed record AuthError(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription);
}
