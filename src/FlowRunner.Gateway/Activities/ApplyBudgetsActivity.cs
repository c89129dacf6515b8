using System.Globalization;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Data;
using Grpc.Core;

namespace FlowRunner.Gateway.Activities;

/// <summary>
/// Token buckets per client address, device session, user, and message type per user, kept in the database so every
/// gateway node shares them. The node's options set them; each is <c>{"capacity": N, "per_minute": R}</c>:
/// <code>
/// { "ip": {...}, "session": {...}, "user": {...}, "message_types": { "default": {...}, "user.profile.update": {...} } }
/// </code>
/// An empty bucket refuses with RESOURCE_EXHAUSTED and when to retry; the tokens taken by the others roll back with it.
/// </summary>
internal sealed class ApplyBudgetsActivity(GatewayServices services) : GatewayActivity<GatewayCall>(services)
{
    private static readonly ParsedOptions<Budgets> Parsed = new(Budgets.Parse);

    public override string Type => "gateway.budgets";

    public override IReadOnlyList<string> Labels => ["Apply budgets"];

    // Its only work is the commit's: it shares the transaction an earlier step left open (the replay reservation's).
    public override bool IsInstant => true;

    public override string? ValidateOptions(JsonElement options)
    {
        try
        {
            _ = Budgets.Parse(options);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    protected override ValueTask<ActivityResult> RunAsync(GatewayCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        Budgets budgets = Parsed.For(context);
        V1.Envelope envelope = call.ValidEnvelope;
        string user = call.ValidSession.UserId;
        (string Key, Bucket? Bucket, string What)[] buckets =
        [
            ("ip:" + call.ClientAddress, budgets.Ip, "this address"),
            ("session:" + envelope.DeviceSessionId, budgets.Session, "this device session"),
            ("user:" + user, budgets.User, "this user"),
            ("type:" + envelope.MessageType + ":" + user, budgets.ForType(envelope.MessageType), envelope.MessageType),
        ];
        long now = Services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        return ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
        {
            IGatewayStore store = data.Store<IGatewayStore>();
            foreach ((string key, Bucket? bucket, string what) in buckets)
            {
                if (bucket is not null && await store.TakeAsync(key, bucket.Capacity, bucket.PerSecond, now).ConfigureAwait(false) is { } wait)
                {
                    return call.Refuse(StatusCode.ResourceExhausted, $"the budget of {what} is used up; retry in {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s", wait);
                }
            }

            return ActivityResult.Done();
        }));
    }

    /// <summary>The buckets of the node's options; a missing one is no limit.</summary>
    internal sealed record Budgets(Bucket? Ip, Bucket? Session, Bucket? User, IReadOnlyDictionary<string, Bucket> Types)
    {
        public Bucket? ForType(string messageType) => Types.GetValueOrDefault(messageType) ?? Types.GetValueOrDefault("default");

        /// <exception cref="FormatException">The options are not budgets; the message says where.</exception>
        public static Budgets Parse(JsonElement options)
        {
            var types = new Dictionary<string, Bucket>(StringComparer.Ordinal);
            Bucket? ip = null, session = null, user = null;
            if (options.ValueKind != JsonValueKind.Object)
            {
                return new Budgets(null, null, null, types);
            }

            foreach (JsonProperty property in options.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "ip": ip = Bucket.Parse(property.Value, "ip"); break;
                    case "session": session = Bucket.Parse(property.Value, "session"); break;
                    case "user": user = Bucket.Parse(property.Value, "user"); break;
                    case "message_types" when property.Value.ValueKind == JsonValueKind.Object:
                        foreach (JsonProperty type in property.Value.EnumerateObject())
                        {
                            types[type.Name] = Bucket.Parse(type.Value, "message_types." + type.Name);
                        }

                        break;
                    default:
                        throw new FormatException($"unknown budget \"{property.Name}\"; expected ip, session, user or message_types (an object of message type to bucket)");
                }
            }

            return new Budgets(ip, session, user, types);
        }
    }
}
