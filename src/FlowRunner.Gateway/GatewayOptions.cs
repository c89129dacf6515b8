namespace FlowRunner.Gateway;

/// <summary>The API gateway's keys and policy (seed 004). Keys come from configuration, never from the repository.</summary>
public sealed record GatewayOptions
{
    /// <summary>The gateway's Ed25519 private key (the 32-byte seed of RFC 8032), which signs responses and events.</summary>
    public required byte[] SigningKey { get; init; }

    /// <summary>
    /// The backend's base address: its session lookup and the routes commands go to. Null, the default, is this server
    /// (its first address), which serves the backend routes beside the gateway.
    /// </summary>
    public Uri? Backend { get; init; }

    /// <summary>The bearer token the gateway presents to the backend's internal routes.</summary>
    public required string ServiceToken { get; init; }

    /// <summary>How far a request's <c>timestamp_ms</c> may be from the gateway's clock, either way.</summary>
    public TimeSpan FreshnessWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a request id stays reserved: longer than the window, so a copy is refused as stale or as a replay.</summary>
    public TimeSpan ReplayLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one backend call may take before the command answers UNAVAILABLE.</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The request-scoped flow a command runs through.</summary>
    public string CommandFlow { get; init; } = "gateway/execute-command";

    /// <summary>The request-scoped flow a subscription to events runs through before its stream opens.</summary>
    public string SubscribeFlow { get; init; } = "gateway/subscribe-events";

    /// <summary>The request-scoped flow a public auth request runs through.</summary>
    public string PublicAuthFlow { get; init; } = "gateway/public-auth";

    /// <summary>The largest envelope plus payload accepted, in bytes.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    // Keys and tokens never reach a log through ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Backend = ").Append(Backend?.ToString() ?? "this server").Append(", CommandFlow = ").Append(CommandFlow);
        return true;
    }
}
