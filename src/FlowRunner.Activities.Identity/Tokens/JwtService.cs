using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlowRunner.Activities.Identity.Tokens;

/// <summary>
/// HS256 access tokens (RFC 7519, typed <c>at+jwt</c> per RFC 9068) on the BCL, as auth-security.md §5 lays out:
/// the verifier caps the size, requires exactly three segments (a five-segment JWE never reaches a parser),
/// pins <c>alg</c> to HS256, requires <c>typ</c>, refuses <c>crit</c>, never lets the token choose a key, checks
/// the MAC over the segments as received in constant time before reading the payload, refuses duplicate
/// claims, and enforces <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c> and <c>iat</c> with a small skew.
/// </summary>
internal sealed class JwtService
{
    /// <summary>The only algorithm issued or accepted.</summary>
    public const string Algorithm = "HS256";

    /// <summary>The type of access tokens.</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>The longest token read.</summary>
    public const int MaxTokenLength = 8 * 1024;

    private static readonly byte[] Header = Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}");
    private readonly JwtOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <exception cref="ArgumentException">The key is shorter than 256 bits or the skew over 30 seconds.</exception>
    public JwtService(JwtOptions options, TimeProvider time)
    {
        if (options.SigningKey.Length < JwtOptions.MinimumKeyBytes)
        {
            throw new ArgumentException($"the JWT signing key has {options.SigningKey.Length * 8} bits; at least {JwtOptions.MinimumKeyBytes * 8} are required", nameof(options));
        }

        if (options.ClockSkew > TimeSpan.FromSeconds(30) || options.ClockSkew < TimeSpan.Zero)
        {
            throw new ArgumentException("the clock skew must be between 0 and 30 seconds", nameof(options));
        }

        _options = options;
        _time = time;
    }

    /// <summary>Issues an access token with the seed's claims (sub, email, role, iat, exp) plus iss, aud and jti.</summary>
    public string IssueAccessToken(string subject, string email, string role)
    {
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", _options.Issuer);
            json.WriteString("aud", _options.Audience);
            json.WriteString("sub", subject);
            json.WriteString("email", email);
            json.WriteString("role", role);
            json.WriteNumber("iat", now);
            json.WriteNumber("exp", now + (long)_options.AccessTokenLifetime.TotalSeconds);
            json.WriteString("jti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
            json.WriteEndObject();
        }

        string signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(buffer.ToArray());
        byte[] mac = HMACSHA256.HashData(_options.SigningKey, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>Checks an access token; every failure is a refusal with a reason, never an exception.</summary>
    public JwtValidation Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return JwtValidation.Refused("missing or oversized token");
        }

        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            return JwtValidation.Refused(parts.Length == 5 ? "encrypted tokens (JWE) are not accepted" : "a token has three segments");
        }

        if (!TryDecodeObject(parts[0], out JsonDocument? header, out string? headerError))
        {
            return JwtValidation.Refused("header: " + headerError);
        }

        using (header)
        {
            JsonElement h = header!.RootElement;
            if (!h.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != Algorithm)
            {
                return JwtValidation.Refused("the algorithm must be HS256");
            }

            if (!h.TryGetProperty("typ", out JsonElement typ) || typ.ValueKind != JsonValueKind.String || !string.Equals(typ.GetString(), AccessTokenType, StringComparison.OrdinalIgnoreCase))
            {
                return JwtValidation.Refused("the token type must be at+jwt");
            }

            if (h.TryGetProperty("crit", out _))
            {
                return JwtValidation.Refused("critical header parameters are not supported");
            }
        }

        if (!VerifySignature(parts[0], parts[1], parts[2], _options.SigningKey))
        {
            return JwtValidation.Refused("bad signature");
        }

        if (!TryDecodeObject(parts[1], out JsonDocument? payload, out string? payloadError))
        {
            return JwtValidation.Refused("payload: " + payloadError);
        }

        using (payload)
        {
            return CheckClaims(payload!.RootElement);
        }
    }

    /// <summary>True when the third segment is the HMAC-SHA256 of the first two as received.</summary>
    internal static bool VerifySignature(string header, string payload, string signature, byte[] key)
    {
        Span<byte> given = stackalloc byte[64];
        if (!Base64Url.IsValid(signature) || Base64Url.GetMaxDecodedLength(signature.Length) > given.Length)
        {
            return false;
        }

        if (Base64Url.DecodeFromChars(signature, given, out _, out int written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        byte[] expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(header + "." + payload));
        return CryptographicOperations.FixedTimeEquals(given[..written], expected);
    }

    private JwtValidation CheckClaims(JsonElement claims)
    {
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        long skew = (long)_options.ClockSkew.TotalSeconds;
        if (!TryNumber(claims, "exp", out long exp))
        {
            return JwtValidation.Refused("exp is required");
        }

        if (now > exp + skew)
        {
            return JwtValidation.Refused("the token has expired");
        }

        if (TryNumber(claims, "nbf", out long nbf) && nbf > now + skew)
        {
            return JwtValidation.Refused("the token is not valid yet");
        }

        if (TryNumber(claims, "iat", out long iat) && iat > now + skew)
        {
            return JwtValidation.Refused("the token was issued in the future");
        }

        if (!claims.TryGetProperty("iss", out JsonElement iss) || iss.ValueKind != JsonValueKind.String || iss.GetString() != _options.Issuer)
        {
            return JwtValidation.Refused("wrong issuer");
        }

        bool audienceMatches = claims.TryGetProperty("aud", out JsonElement aud) && (aud.ValueKind == JsonValueKind.String
            ? aud.GetString() == _options.Audience
            : aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == _options.Audience));
        if (!audienceMatches)
        {
            return JwtValidation.Refused("wrong audience");
        }

        if (!claims.TryGetProperty("sub", out JsonElement sub) || sub.ValueKind != JsonValueKind.String || sub.GetString()!.Length == 0)
        {
            return JwtValidation.Refused("sub is required");
        }

        return new JwtValidation(true, claims.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal), null);
    }

    private static bool TryNumber(JsonElement claims, string name, out long value)
    {
        value = 0;
        return claims.TryGetProperty(name, out JsonElement element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    // Strict Base64url, a JSON object, and no member name twice (RFC 7519 §4).
    private static bool TryDecodeObject(string segment, out JsonDocument? document, out string? error)
    {
        document = null;
        error = null;
        if (segment.Length == 0 || !Base64Url.IsValid(segment))
        {
            error = "not Base64url";
            return false;
        }

        byte[] bytes = Base64Url.DecodeFromChars(segment);
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            error = "not JSON";
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            error = "not a JSON object";
            return false;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        string? duplicate = null;
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                duplicate = property.Name;
                break;
            }
        }

        if (duplicate is not null)
        {
            document.Dispose();
            document = null;
            error = $"member '{duplicate}' appears twice";
            return false;
        }

        return true;
    }
}
