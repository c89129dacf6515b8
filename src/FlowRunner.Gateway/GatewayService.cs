using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Gateway.V1;
using FlowRunner.Hosting;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Gateway;

/// <summary>
/// The gRPC service of seed 004. A command runs through the request-scoped command flow
/// (<see cref="GatewayOptions.CommandFlow"/>): its nodes are the checks, in the order the flow draws them. A refusal
/// answers the status its check chose and is logged with the node that refused; nothing of a command is journaled.
/// </summary>
internal sealed partial class GatewayService(FlowHost flows, FlowRuntime runtime, GatewayOptions options, FlowRunnerOptions host, ILogger<GatewayService> logger)
    : V1.Gateway.GatewayBase
{
    public override async Task<ExecuteCommandResponse> ExecuteCommand(ExecuteCommandRequest request, ServerCallContext context)
    {
        var call = new GatewayCall(request.Envelope.Memory, request.PayloadBytes.Memory, request.Signature.Memory, Client(context));
        await RunAsync(options.CommandFlow, call, context).ConfigureAwait(false);
        return call.Response ?? throw Failed("the command flow ended without a response");
    }

    /// <summary>
    /// Runs the subscription flow (the command checks, the server's time as the first event, registration with the
    /// hub), then streams the user's events until the client leaves or the hub closes the stream with its status.
    /// </summary>
    public override async Task SubscribeEvents(SubscribeEventsRequest request, IServerStreamWriter<GatewayEvent> responseStream, ServerCallContext context)
    {
        var call = new GatewayCall(request.Envelope.Memory, ReadOnlyMemory<byte>.Empty, request.Signature.Memory, Client(context)) { Stream = responseStream };
        try
        {
            await RunAsync(options.SubscribeFlow, call, context).ConfigureAwait(false);
            Push.Subscription subscription = call.Subscription ?? throw Failed("the subscription flow ended without registering the stream");
            await foreach (GatewayEvent pushed in subscription.Events.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(pushed, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (System.Threading.Channels.ChannelClosedException closed) when (closed.InnerException is RpcException status)
        {
            throw status; // the hub closed the stream: revoked (FAILED_PRECONDITION) or shutting down (UNAVAILABLE)
        }
        finally
        {
            call.Subscription?.Dispose();
        }
    }

    private async Task RunAsync(string flowName, GatewayCall call, ServerCallContext context)
    {
        BoundFlow flow = flows.Find(flowName)?.Current.Flow
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, $"the gateway flow '{flowName}' is not loaded: see the server's log"));
        RunResult run = await runtime.RunRequestAsync(flow, call, context.CancellationToken).ConfigureAwait(false);
        if (run.Status == InstanceStatus.Completed)
        {
            return;
        }

        if (call.Refused is { } refused)
        {
            LogRefused(logger, run.Incident?.NodeId ?? "?", refused.Status, refused.Detail);
            throw Rpc(refused);
        }

        throw Failed(run.Incident?.Message ?? "the flow ended without an answer", run.Incident?.NodeId);
    }

    private string Client(ServerCallContext context)
    {
        Microsoft.AspNetCore.Http.HttpContext http = context.GetHttpContext();
        return Hosting.Routes.ClientAddress.Partition(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"], host.TrustedProxies);
    }

    private RpcException Failed(string message, string? node = null)
    {
        LogFailed(logger, node ?? "?", message);
        return new RpcException(new Grpc.Core.Status(StatusCode.Internal, "the gateway flow failed; see the server's log"));
    }

    // RESOURCE_EXHAUSTED carries a google.rpc.RetryInfo detail saying when to retry.
    private static RpcException Rpc(Refusal refused)
    {
        var status = new Google.Rpc.Status { Code = (int)refused.Status, Message = refused.Detail };
        if (refused.RetryAfter is { } wait)
        {
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(wait) }));
        }

        return status.ToRpcException();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway refused a call at {Node}: {Status} {Detail}")]
    private static partial void LogRefused(ILogger logger, string node, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway flow failed at {Node}: {Message}")]
    private static partial void LogFailed(ILogger logger, string node, string message);
}
