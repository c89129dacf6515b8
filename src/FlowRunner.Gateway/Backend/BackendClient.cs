using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Gateway.Backend;

/// <summary>A device session as the backend reports it.</summary>
internal sealed record DeviceSession(string Id, string UserId, byte[] PublicKey, bool Active);

/// <summary>The backend's answer to a command: its HTTP status and body.</summary>
internal sealed record BackendAnswer(int Status, byte[] Body);

/// <summary>A backend call that failed (unreachable, timed out, or a 5xx): the command answers UNAVAILABLE.</summary>
internal sealed class BackendUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The backend over REST (seed 004's backendclient.RESTClient): the session lookup and the routes commands go to,
/// each with the service token. The HttpClient carries the resilience pipeline (a timeout; nothing retried, since a
/// command may change something).
/// </summary>
internal sealed class BackendClient(HttpClient http, HttpClient streaming, GatewayOptions options, Func<Uri> thisServer)
{
    /// <summary>The name of the HttpClient that follows the event stream (no timeout: the stream stays open).</summary>
    public const string StreamingClientName = "flowrunner-gateway-events";

    private Uri? _base;

    /// <summary>The name of the HttpClient the gateway registers.</summary>
    public const string HttpClientName = "flowrunner-gateway-backend";

    /// <summary>The header naming the device session a call acts for.</summary>
    public const string SessionHeader = "X-Device-Session-Id";

    /// <summary>The device session, or null when the backend knows none with this id.</summary>
    /// <exception cref="BackendUnavailableException">The backend did not answer properly.</exception>
    public async Task<DeviceSession?> GetSessionAsync(string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, "api/v1/internal/sessions/" + Uri.EscapeDataString(id)));
        using HttpResponseMessage response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new BackendUnavailableException($"the session lookup answered {(int)response.StatusCode}");
        }

        SessionView? view;
        try
        {
            view = await response.Content.ReadFromJsonAsync<SessionView>(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new BackendUnavailableException("the session lookup answered something that is no session", e);
        }

        if (view is null || view.UserId is null || view.PublicKey is null)
        {
            throw new BackendUnavailableException("the session lookup answered something that is no session");
        }

        return new DeviceSession(view.DeviceSessionId ?? id, view.UserId, Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Decode(view.PublicKey), view.Status == "active");
    }

    /// <summary>Calls a backend route, for a device session when one is named; the payload is the JSON body of a POST, PUT or PATCH.</summary>
    /// <exception cref="BackendUnavailableException">The backend could not be reached, timed out, or answered 5xx.</exception>
    public async Task<BackendAnswer> CallAsync(HttpMethod method, string path, string? deviceSessionId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(Base, path.TrimStart('/')));
        if (deviceSessionId is not null)
        {
            request.Headers.Add(SessionHeader, deviceSessionId);
        }

        if (method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch)
        {
            request.Content = new ReadOnlyMemoryContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using HttpResponseMessage response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500)
        {
            throw new BackendUnavailableException($"the backend answered {(int)response.StatusCode}");
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new BackendAnswer((int)response.StatusCode, body);
    }

    /// <summary>
    /// Follows the backend's event stream from after <paramref name="lastEventId"/> (from now when null): each event's
    /// id, kind and JSON data, as they come, until the stream ends or the token is cancelled.
    /// </summary>
    /// <exception cref="BackendUnavailableException">The backend refused the stream.</exception>
    public async IAsyncEnumerable<(string? Id, string Kind, string Data)> FollowEventsAsync(string? lastEventId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, "api/v1/internal/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ServiceToken);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using HttpResponseMessage response = await streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new BackendUnavailableException($"the event stream answered {(int)response.StatusCode}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        string? id = null, kind = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (kind is not null && data is not null)
                {
                    yield return (id, kind, data);
                }

                (id, kind, data) = (null, null, null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    // The configured backend, or this server once it listens.
    private Uri Base => _base ??= options.Backend is { } configured ? WithSlash(configured) : WithSlash(thisServer());

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ServiceToken);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"the backend could not be reached: {e.Message}", e);
        }
    }

    private sealed record SessionView(
        [property: JsonPropertyName("device_session_id")] string? DeviceSessionId,
        [property: JsonPropertyName("user_id")] string? UserId,
        [property: JsonPropertyName("public_key")] string? PublicKey,
        [property: JsonPropertyName("status")] string? Status);
}
