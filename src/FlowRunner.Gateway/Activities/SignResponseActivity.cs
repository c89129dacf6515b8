using System.Security.Cryptography;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.V1;
using Google.Protobuf;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// Hashes the backend's answer and signs the response envelope (request id, status, server time, payload hash) with
/// the gateway's key under the response context.
/// </summary>
internal sealed class SignResponseActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    public override string Type => "gateway.sign-response";

    public override IReadOnlyList<string> Labels => ["Sign response"];

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        Backend.BackendAnswer answer = call.Answer ?? throw new InvalidOperationException("nothing to sign: put \"Call backend\" before \"Sign response\" in the flow");
        byte[] envelope = new ResponseEnvelope
        {
            ProtocolVersion = ValidateEnvelopeActivity.ProtocolVersion,
            RequestId = call.ValidEnvelope.RequestId,
            Status = (uint)answer.Status,
            ServerTimeMs = Services.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            PayloadHash = ByteString.CopyFrom(SHA256.HashData(answer.Body)),
        }.ToByteArray();
        call.Response = new ExecuteCommandResponse
        {
            Envelope = ByteString.CopyFrom(envelope),
            PayloadBytes = ByteString.CopyFrom(answer.Body),
            Signature = ByteString.CopyFrom(Services.Key.Sign(GatewaySignature.Response, envelope)),
        };
        return ValueTask.FromResult(ActivityResult.Done());
    }
}
