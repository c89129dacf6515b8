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
        BoundFlow flow = flows.Find(options.CommandFlow)?.Current.Flow
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, $"the command flow '{options.CommandFlow}' is not loaded: see the server's log"));
        Microsoft.AspNetCore.Http.HttpContext http = context.GetHttpContext();
        string client = Hosting.Routes.ClientAddress.Partition(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"], host.TrustedProxies);
        var call = new GatewayCall(request.Envelope.Memory, request.PayloadBytes.Memory, request.Signature.Memory, client);
        RunResult run = await runtime.RunRequestAsync(flow, call, context.CancellationToken).ConfigureAwait(false);
        if (run.Status == InstanceStatus.Completed && call.Response is { } response)
        {
            return response;
        }

        if (call.Refused is { } refused)
        {
            LogRefused(logger, run.Incident?.NodeId ?? "?", refused.Status, refused.Detail);
            throw Rpc(refused);
        }

        LogFailed(logger, run.Incident?.NodeId ?? "?", run.Incident?.Message ?? "the flow ended without a response");
        throw new RpcException(new Grpc.Core.Status(StatusCode.Internal, "the command flow failed; see the server's log"));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway refused a command at {Node}: {Status} {Detail}")]
    private static partial void LogRefused(ILogger logger, string node, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway command flow failed at {Node}: {Message}")]
    private static partial void LogFailed(ILogger logger, string node, string message);
}
