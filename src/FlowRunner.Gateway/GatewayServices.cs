using FlowRunner.Gateway.Backend;

namespace FlowRunner.Gateway;

/// <summary>What the gateway's handlers share: the options, the gateway's key, the backend client and the clock.</summary>
internal sealed class GatewayServices(GatewayOptions options, BackendClient backend, TimeProvider time) : IDisposable
{
    public GatewayOptions Options { get; } = options;

    public SigningKey Key { get; } = new(options.SigningKey);

    public BackendClient Backend { get; } = backend;

    public TimeProvider Time { get; } = time;

    public void Dispose() => Key.Dispose();
}
