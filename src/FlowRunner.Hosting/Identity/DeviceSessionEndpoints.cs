using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace FlowRunner.Hosting.Identity;

/// <summary>
/// The backend routes the API gateway calls (seed 004), behind the service token: the session lookup, and the user
/// routes a signed command reaches, acting for the device session the gateway verified
/// (<c>X-Device-Session-Id</c>). The backend checks the session again: a revoked one answers 401.
/// </summary>
internal static class DeviceSessionEndpoints
{
    /// <summary>The header naming the device session a service call acts for.</summary>
    public const string SessionHeader = "X-Device-Session-Id";

    /// <summary>The longest display name.</summary>
    public const int MaxDisplayName = 100;

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder service = endpoints.MapGroup(string.Empty).RequireAuthorization(FlowRunnerServiceCollectionExtensions.ServicePolicy)
            .WithTags(FlowRunnerOpenApi.GatewayBackendTag);
        service.MapGet("/api/v1/internal/events", StreamEventsAsync).WithName("streamIdentityEvents")
            .WithSummary("Server-Sent Events for the gateway's dispatcher: user.profile.updated, session.revoked, session.revoked_all; Last-Event-ID resumes")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        service.MapGet("/api/v1/internal/sessions/{id}", GetSessionAsync).WithName("getDeviceSession")
            .WithSummary("A device session: its user, Ed25519 public key and status (service token only)")
            .Produces<DeviceSessionView>().ProducesProblem(StatusCodes.Status404NotFound);
        RouteGroupBuilder acting = service.MapGroup(string.Empty).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = SessionHeader,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Required = true,
                Description = "The active device session the call acts for",
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });
        acting.MapGet("/api/v1/user/profile", GetProfileAsync).WithName("getUserProfile")
            .WithSummary("The profile of the device session's user (service token and X-Device-Session-Id)")
            .Produces<ProfileView>().ProducesProblem(StatusCodes.Status401Unauthorized);
        acting.MapPatch("/api/v1/user/profile", PatchProfileAsync).WithName("patchUserProfile")
            .WithSummary("Changes the display name of the device session's user")
            .Produces<ProfileView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        acting.MapGet("/api/v1/user/device-sessions", ListSessionsAsync).WithName("listDeviceSessions")
            .WithSummary("The device sessions of the device session's user, newest first")
            .Produces<DeviceSessionList>().ProducesProblem(StatusCodes.Status401Unauthorized);
        acting.MapDelete("/api/v1/user/device-sessions/{id}", RevokeSessionAsync).WithName("revokeDeviceSession")
            .WithSummary("Revokes one of the user's device sessions")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return service;
    }

    // Events as they are committed, polled every 200 ms (a revocation reaches the gateway well within a second), with a
    // comment line every 15 s to keep proxies from closing a quiet stream. Without Last-Event-ID it starts at the tail.
    // It ends when the client goes or the server stops, so it never holds up a graceful shutdown.
    private static async Task StreamEventsAsync(HttpContext http, IInstanceStore store, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        CancellationToken cancellationToken = stop.Token;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        long after;
        if (!long.TryParse(http.Request.Headers["Last-Event-ID"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after))
        {
            await using IUnitOfWork data = store.OpenReadOnly();
            after = await data.Store<IIdentityStore>().LatestEventIdAsync().ConfigureAwait(false);
        }

        await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset lastWrite = time.GetUtcNow();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<IdentityEvent> events;
                await using (IUnitOfWork data = store.OpenReadOnly())
                {
                    events = await data.Store<IIdentityStore>().ReadEventsAsync(after, 100).ConfigureAwait(false);
                }

                var text = new System.Text.StringBuilder();
                foreach (IdentityEvent e in events)
                {
                    text.Append("id: ").Append(e.Id).Append("\nevent: ").Append(e.Kind).Append("\ndata: ").Append(e.Payload).Append("\n\n");
                    after = e.Id;
                }

                if (text.Length == 0 && time.GetUtcNow() - lastWrite > TimeSpan.FromSeconds(15))
                {
                    text.Append(": keep-alive\n\n");
                }

                if (text.Length > 0)
                {
                    await http.Response.WriteAsync(text.ToString(), cancellationToken).ConfigureAwait(false);
                    await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    lastWrite = time.GetUtcNow();
                }

                if (events.Count < 100)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<IResult> GetSessionAsync(string id, IInstanceStore store)
    {
        await using IUnitOfWork data = store.OpenReadOnly();
        return await data.Store<IIdentityStore>().FindDeviceSessionAsync(id).ConfigureAwait(false) is { } session
            ? Results.Ok(DeviceSessionView.From(session))
            : Problem(StatusCodes.Status404NotFound, "Unknown device session", "no device session has this id");
    }

    private static async Task<IResult> GetProfileAsync(HttpContext http, IInstanceStore store)
    {
        await using IUnitOfWork data = store.OpenReadOnly();
        IIdentityStore identity = data.Store<IIdentityStore>();
        return await ActingUserAsync(http, identity).ConfigureAwait(false) is { } user
            ? Results.Ok(ProfileView.From(user))
            : NotActing();
    }

    private static async Task<IResult> PatchProfileAsync(HttpContext http, ProfilePatch? patch, IInstanceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        string? name = patch?.DisplayName?.Trim();
        if (patch is null || name is null || name.Length is 0 or > MaxDisplayName || name.Any(char.IsControl))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid profile",
                $"send {{\"display_name\": \"...\"}}: 1 to {MaxDisplayName} characters, no control characters");
        }

        await using IUnitOfWork work = await store.BeginWorkAsync(cancellationToken).ConfigureAwait(false);
        IIdentityStore identity = work.Store<IIdentityStore>();
        if (await ActingUserAsync(http, identity).ConfigureAwait(false) is not { } user)
        {
            return NotActing();
        }

        DateTimeOffset now = time.GetUtcNow();
        await identity.SetDisplayNameAsync(user.Id, name, now).ConfigureAwait(false);
        await identity.AppendEventAsync(user.Id, "user.profile.updated", JsonSerializer.Serialize(new { user_id = user.Id, display_name = name }), now).ConfigureAwait(false);
        await identity.AuditAsync(user.Id, "gateway.profile-updated", null, now).ConfigureAwait(false);
        await work.CommitAsync(cancellationToken).ConfigureAwait(false);
        user.DisplayName = name;
        return Results.Ok(ProfileView.From(user));
    }

    private static async Task<IResult> ListSessionsAsync(HttpContext http, IInstanceStore store)
    {
        await using IUnitOfWork data = store.OpenReadOnly();
        IIdentityStore identity = data.Store<IIdentityStore>();
        if (await ActingUserAsync(http, identity).ConfigureAwait(false) is not { } user)
        {
            return NotActing();
        }

        string current = http.Request.Headers[SessionHeader].ToString();
        IReadOnlyList<DeviceSessionRecord> sessions = await identity.ListDeviceSessionsAsync(user.Id).ConfigureAwait(false);
        return Results.Ok(new DeviceSessionList([.. sessions.Select(s => new DeviceSessionListItem(s.Id, s.Status, s.CreatedAt, s.Id == current))]));
    }

    private static async Task<IResult> RevokeSessionAsync(string id, HttpContext http, IInstanceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        await using IUnitOfWork work = await store.BeginWorkAsync(cancellationToken).ConfigureAwait(false);
        IIdentityStore identity = work.Store<IIdentityStore>();
        if (await ActingUserAsync(http, identity).ConfigureAwait(false) is not { } user)
        {
            return NotActing();
        }

        DateTimeOffset now = time.GetUtcNow();
        if (!await identity.RevokeDeviceSessionAsync(user.Id, id, now).ConfigureAwait(false))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown device session", "the user has no active device session with this id");
        }

        await identity.AuditAsync(user.Id, "gateway.device-session-revoked", id, now).ConfigureAwait(false);
        await identity.AppendEventAsync(user.Id, "session.revoked", JsonSerializer.Serialize(new { user_id = user.Id, device_session_id = id }), now).ConfigureAwait(false);
        await work.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }

    // The user of the active device session the call acts for, or null.
    private static async Task<UserRecord?> ActingUserAsync(HttpContext http, IIdentityStore identity)
    {
        string id = http.Request.Headers[SessionHeader].ToString();
        return id.Length > 0 && await identity.FindDeviceSessionAsync(id).ConfigureAwait(false) is { RevokedAt: null } session
            ? await identity.FindAsync(session.UserId).ConfigureAwait(false)
            : null;
    }

    private static IResult NotActing() =>
        Problem(StatusCodes.Status401Unauthorized, "No active device session", $"the {SessionHeader} header must name an active device session");

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    /// <summary>A device session as the gateway reads it.</summary>
    internal sealed record DeviceSessionView(
        [property: System.Text.Json.Serialization.JsonPropertyName("device_session_id")] string DeviceSessionId,
        [property: System.Text.Json.Serialization.JsonPropertyName("user_id")] string UserId,
        [property: System.Text.Json.Serialization.JsonPropertyName("public_key")] string PublicKey,
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status)
    {
        public static DeviceSessionView From(DeviceSessionRecord s) =>
            new(s.Id, s.UserId, Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(s.PublicKey), s.Status);
    }

    /// <summary>A user's profile.</summary>
    internal sealed record ProfileView(
        [property: System.Text.Json.Serialization.JsonPropertyName("user_id")] string UserId,
        [property: System.Text.Json.Serialization.JsonPropertyName("email")] string Email,
        [property: System.Text.Json.Serialization.JsonPropertyName("display_name")] string? DisplayName)
    {
        public static ProfileView From(UserRecord user) => new(user.Id, user.Email, user.DisplayName);
    }

    /// <summary>What PATCH changes.</summary>
    internal sealed record ProfilePatch([property: System.Text.Json.Serialization.JsonPropertyName("display_name")] string? DisplayName);

    /// <summary>A user's device sessions.</summary>
    internal sealed record DeviceSessionList([property: System.Text.Json.Serialization.JsonPropertyName("sessions")] DeviceSessionListItem[] Sessions);

    /// <summary>One device session in the list; <c>current</c> marks the one the call acts for.</summary>
    internal sealed record DeviceSessionListItem(
        [property: System.Text.Json.Serialization.JsonPropertyName("device_session_id")] string DeviceSessionId,
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
        [property: System.Text.Json.Serialization.JsonPropertyName("created_at")] string CreatedAt,
        [property: System.Text.Json.Serialization.JsonPropertyName("current")] bool Current);
}
