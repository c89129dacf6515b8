using System.Text.Json;
using FlowRunner.Gateway.Backend;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Gateway.Push;

/// <summary>
/// Follows the backend's event stream (Server-Sent Events with the service token, resuming with Last-Event-ID) and
/// hands each event to the hub: a profile update becomes a signed event on the user's streams; a revoked session, or
/// all of a user's, closes their streams. Reconnects after a failure, within a few seconds.
/// </summary>
internal sealed partial class Dispatcher(BackendClient backend, PushHub hub, GatewayServices services, IHostApplicationLifetime lifetime, ILogger<Dispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The backend may be this very server: follow it once it listens.
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested)
        {
        }

        string? lastEventId = null;
        var retry = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach ((string? id, string kind, string data) in backend.FollowEventsAsync(lastEventId, stoppingToken).ConfigureAwait(false))
                {
                    lastEventId = id ?? lastEventId;
                    retry = TimeSpan.FromMilliseconds(250);
                    Dispatch(kind, data);
                }
            }
            catch (Exception e) when (e is BackendUnavailableException or HttpRequestException or IOException or JsonException && !stoppingToken.IsCancellationRequested)
            {
                LogLost(logger, e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(retry, services.Time, stoppingToken).ConfigureAwait(false);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private void Dispatch(string kind, string data)
    {
        using JsonDocument document = JsonDocument.Parse(data);
        JsonElement payload = document.RootElement;
        string? user = payload.TryGetProperty("user_id", out JsonElement u) ? u.GetString() : null;
        if (user is null)
        {
            return;
        }

        switch (kind)
        {
            case "session.revoked" when payload.TryGetProperty("device_session_id", out JsonElement session) && session.GetString() is { } id:
                hub.RevokeDeviceSession(user, id);
                break;
            case "session.revoked_all":
                hub.RevokeAllForUser(user);
                break;
            default:
                hub.Publish(user, GatewayEvents.Sign(services.Key, kind, services.Time.GetUtcNow().ToUnixTimeMilliseconds(), System.Text.Encoding.UTF8.GetBytes(data)));
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway lost the backend's event stream ({Reason}); reconnecting")]
    private static partial void LogLost(ILogger logger, string reason);
}
