using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRunner.Engine.Activities;
using FlowRunner.Gateway.Backend;
using FlowRunner.Gateway.Data;
using Microsoft.AspNetCore.WebUtilities;

namespace FlowRunner.Gateway.Activities;

/// <summary>"Classify request": which public auth request this is; anything else is 404.</summary>
internal sealed class ClassifyRequestActivity(GatewayServices services) : GatewayActivity<PublicAuthCall>(services)
{
    public override string Type => "gateway.classify";

    public override IReadOnlyList<string> Labels => ["Classify request"];

    protected override ValueTask<ActivityResult> RunAsync(PublicAuthCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        call.Kind = call.Path switch
        {
            PublicAuthEndpoints.SendPath => PublicAuthKind.SendEmailCode,
            PublicAuthEndpoints.ConfirmPath => PublicAuthKind.ConfirmEmailCode,
            _ => null,
        };
        return ValueTask.FromResult(call.Kind is null
            ? call.Refuse(404, "Not found", "no public auth request has this path")
            : ActivityResult.Done());
    }
}

/// <summary>
/// "Check body": JSON, at most <c>max_bytes</c> (the node's option, 4096 by default), an object with exactly the fields
/// its request takes, each in shape: an address; a challenge id, a 6-digit code and an Ed25519 public key (base64url).
/// 415, 413 or 400 otherwise, naming the field.
/// </summary>
internal sealed class CheckBodyActivity(GatewayServices services) : GatewayActivity<PublicAuthCall>(services)
{
    private const int DefaultMaxBytes = 4096;

    public override string Type => "gateway.body-check";

    public override IReadOnlyList<string> Labels => ["Check body"];

    public override string? ValidateOptions(JsonElement options) =>
        !options.TryGetProperty("max_bytes", out JsonElement max) || (max.TryGetInt32(out int bytes) && bytes is > 0 and <= 65536) ? null
            : "\"max_bytes\" must be a whole number from 1 to 65536";

    protected override ValueTask<ActivityResult> RunAsync(PublicAuthCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        int maxBytes = context.Options.TryGetProperty("max_bytes", out JsonElement max) ? max.GetInt32() : DefaultMaxBytes;
        return ValueTask.FromResult(Check(call, maxBytes));
    }

    private static ActivityResult Check(PublicAuthCall call, int maxBytes)
    {
        if (!MediaTypeHeaderValue.TryParse(call.ContentType, out MediaTypeHeaderValue? type) || type.MediaType != "application/json")
        {
            return call.Refuse(415, "Unsupported content type", "send the body as application/json");
        }

        if (call.Body.Length > maxBytes)
        {
            return call.Refuse(413, "Body too large", $"the body may be at most {maxBytes} bytes");
        }

        Dictionary<string, string> fields;
        try
        {
            using JsonDocument document = JsonDocument.Parse(call.Body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return call.Refuse(400, "Invalid body", "the body must be a JSON object");
            }

            fields = [];
            foreach (JsonProperty field in document.RootElement.EnumerateObject())
            {
                if (field.Value.ValueKind != JsonValueKind.String || !fields.TryAdd(field.Name, field.Value.GetString()!))
                {
                    return call.Refuse(400, "Invalid body", $"\"{field.Name}\" must appear once, as a string");
                }
            }
        }
        catch (JsonException)
        {
            return call.Refuse(400, "Invalid body", "the body is not valid JSON");
        }

        string[] expected = call.ValidKind == PublicAuthKind.SendEmailCode ? ["email"] : ["challenge_id", "code", "device_public_key"];
        if (fields.Keys.Except(expected).FirstOrDefault() is { } unknown)
        {
            return call.Refuse(400, "Invalid body", $"unknown field \"{unknown}\"; send {string.Join(", ", expected)}");
        }

        if (expected.FirstOrDefault(f => !fields.ContainsKey(f)) is { } missing)
        {
            return call.Refuse(400, "Invalid body", $"\"{missing}\" is required");
        }

        string? problem = call.ValidKind == PublicAuthKind.SendEmailCode
            ? (InputField.IsEmailAddress(fields["email"]) ? null : "\"email\" must be an email address")
            : !IsToken(fields["challenge_id"]) ? "\"challenge_id\" must be the challenge_id send-email-code answered"
            : !(fields["code"].Length == 6 && fields["code"].All(char.IsAsciiDigit)) ? "\"code\" must be the 6 digits of the emailed code"
            : !IsPublicKey(fields["device_public_key"]) ? "\"device_public_key\" must be an Ed25519 public key: 32 bytes, base64url without padding"
            : null;
        if (problem is not null)
        {
            return call.Refuse(400, "Invalid body", problem);
        }

        call.Subject = call.ValidKind == PublicAuthKind.SendEmailCode ? fields["email"].Trim().ToLowerInvariant() : fields["challenge_id"];
        return ActivityResult.Done();
    }

    private static bool IsToken(string value) => value.Length is >= 22 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsPublicKey(string text)
    {
        try
        {
            return text.Length == 43 && GatewaySignature.IsPublicKey(Base64UrlTextEncoder.Decode(text));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>
/// "Rate-limit request": token buckets per client address, per email address (sending codes) and per challenge
/// (confirming them), shared by every gateway node through the database; options
/// <c>{"ip": {...}, "address": {...}, "challenge": {...}}</c>. 429 with Retry-After.
/// </summary>
internal sealed class RateLimitActivity(GatewayServices services) : GatewayActivity<PublicAuthCall>(services)
{
    private static readonly ParsedOptions<Limits> Parsed = new(Buckets);

    public override string Type => "gateway.rate-limit";

    public override IReadOnlyList<string> Labels => ["Rate-limit request"];

    public override string? ValidateOptions(JsonElement options)
    {
        try
        {
            _ = Buckets(options);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    protected override ValueTask<ActivityResult> RunAsync(PublicAuthCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        (Bucket? ip, Bucket? address, Bucket? challenge) = Parsed.For(context);
        Bucket? perSubject = call.ValidKind == PublicAuthKind.SendEmailCode ? address : challenge;
        // The subject is stored as a hash: the budgets table holds no addresses.
        string subject = call.Subject is null ? "none" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(call.Subject)));
        long now = Services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        return ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
        {
            IGatewayStore store = data.Store<IGatewayStore>();
            foreach ((string key, Bucket? bucket) in new[] { ("public-ip:" + call.ClientAddress, ip), ("public-subject:" + subject, perSubject) })
            {
                if (bucket is not null && await store.TakeAsync(key, bucket.Capacity, bucket.PerSecond, now).ConfigureAwait(false) is { } wait)
                {
                    return call.Refuse(429, "Too many requests", $"retry in {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s", wait);
                }
            }

            return ActivityResult.Done();
        }));
    }

    private static Limits Buckets(JsonElement options)
    {
        Bucket? ip = null, address = null, challenge = null;
        foreach (JsonProperty property in options.ValueKind == JsonValueKind.Object ? options.EnumerateObject() : default)
        {
            _ = property.Name switch
            {
                "ip" => ip = Bucket.Parse(property.Value, "ip"),
                "address" => address = Bucket.Parse(property.Value, "address"),
                "challenge" => challenge = Bucket.Parse(property.Value, "challenge"),
                _ => throw new FormatException($"unknown limit \"{property.Name}\"; expected ip, address or challenge"),
            };
        }

        return new Limits(ip, address, challenge);
    }

    /// <summary>The buckets of the node's options; a missing one is no limit.</summary>
    private sealed record Limits(Bucket? Ip, Bucket? Address, Bucket? Challenge);
}

/// <summary>
/// "Forward to backend": the checked body to the backend's internal auth route, with the service token; its answer
/// goes back to the client, and a device's sign-in answer gains the gateway's clock and public key (to check answers
/// and events with). An unreachable backend is 503.
/// </summary>
internal sealed class ForwardActivity(GatewayServices services) : GatewayActivity<PublicAuthCall>(services)
{
    public override string Type => "gateway.forward";

    public override IReadOnlyList<string> Labels => ["Forward to backend"];

    protected override async ValueTask<ActivityResult> RunAsync(PublicAuthCall call, ActivityContext context, CancellationToken cancellationToken)
    {
        string path = call.ValidKind == PublicAuthKind.SendEmailCode ? "/api/v1/internal/auth/send-email-code" : "/api/v1/internal/auth/confirm-email-code";
        BackendAnswer answer;
        try
        {
            answer = await Services.Backend.CallAsync(HttpMethod.Post, path, deviceSessionId: null, call.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendUnavailableException e)
        {
            return call.Refuse(503, "Backend unavailable", "the sign-in service cannot be reached now; retry shortly (" + e.Message + ")", TimeSpan.FromSeconds(5));
        }

        byte[] body = answer.Body;
        if (call.ValidKind == PublicAuthKind.ConfirmEmailCode && answer.Status == 200 && JsonNode.Parse(answer.Body) is JsonObject signedIn)
        {
            signedIn["server_time_ms"] = Services.Time.GetUtcNow().ToUnixTimeMilliseconds();
            signedIn["gateway_public_key"] = Base64UrlTextEncoder.Encode(Services.Key.PublicKey);
            body = JsonSerializer.SerializeToUtf8Bytes(signedIn);
        }

        call.Answer = (answer.Status, body);
        return ActivityResult.Done();
    }
}
