using FlowRunner.Gateway.V1;
using Grpc.Core;

namespace FlowRunner.Gateway;

/// <summary>
/// One signed command on its way through the command flow: what the client sent, what the checks learned, and the
/// answer or the refusal. The flow's handlers see it as <see cref="Engine.Activities.ActivityContext.Request"/>.
/// </summary>
internal sealed class GatewayCall(ReadOnlyMemory<byte> envelopeBytes, ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> signature, string clientAddress)
{
    /// <summary>The envelope exactly as sent (what the signature covers).</summary>
    public ReadOnlyMemory<byte> EnvelopeBytes { get; } = envelopeBytes;

    /// <summary>The payload as sent.</summary>
    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>The device's signature.</summary>
    public ReadOnlyMemory<byte> Signature { get; } = signature;

    /// <summary>The client's address (an IPv6 client per /64), for the per-IP budget.</summary>
    public string ClientAddress { get; } = clientAddress;

    /// <summary>The parsed envelope, once validated.</summary>
    public Envelope? Envelope { get; set; }

    /// <summary>The device session, once looked up.</summary>
    public Backend.DeviceSession? Session { get; set; }

    /// <summary>When the session lookup was sent (a <see cref="TimeProvider.GetTimestamp"/>): a revocation the hub saw after it closes the stream.</summary>
    public long SessionAskedAt { get; set; }

    /// <summary>The backend route of the command, once routed.</summary>
    public Activities.BackendRoute? Route { get; set; }

    /// <summary>The backend route, for a step that runs after routing.</summary>
    /// <exception cref="InvalidOperationException">The flow runs this step before "Route command".</exception>
    public Activities.BackendRoute ValidRoute => Route ?? throw new InvalidOperationException("the command is sent before it was routed: put \"Route command\" before \"Call backend\" in the flow");

    /// <summary>The backend's answer, once called.</summary>
    public Backend.BackendAnswer? Answer { get; set; }

    /// <summary>The event stream of a subscription (null for a command).</summary>
    public IServerStreamWriter<GatewayEvent>? Stream { get; init; }

    /// <summary>The hub's stream, once registered.</summary>
    public Push.Subscription? Subscription { get; set; }

    /// <summary>The signed response, once built.</summary>
    public ExecuteCommandResponse? Response { get; set; }

    /// <summary>Why the call was refused, with the gRPC status it answers.</summary>
    public Refusal? Refused { get; private set; }

    /// <summary>The envelope, for a check that runs after validation.</summary>
    /// <exception cref="InvalidOperationException">The flow runs this check before "Validate envelope".</exception>
    public Envelope ValidEnvelope => Envelope ?? throw new InvalidOperationException("the envelope is read before it was validated: put \"Validate envelope\" first in the flow");

    /// <summary>The device session, for a check that runs after the lookup.</summary>
    /// <exception cref="InvalidOperationException">The flow runs this check before "Look up session".</exception>
    public Backend.DeviceSession ValidSession => Session ?? throw new InvalidOperationException("the session is read before it was looked up: put \"Look up session\" before this node in the flow");

    /// <summary>Refuses the call: the flow fails at this node, and the client gets <paramref name="status"/>.</summary>
    public Engine.Activities.ActivityResult Refuse(StatusCode status, string detail, TimeSpan? retryAfter = null)
    {
        Refused = new Refusal(status, detail, retryAfter);
        return Engine.Activities.ActivityResult.Fail($"{status}: {detail}");
    }
}

/// <summary>A refused call: its gRPC status, what the client is told, and for budgets when to retry.</summary>
internal sealed record Refusal(StatusCode Status, string Detail, TimeSpan? RetryAfter);
