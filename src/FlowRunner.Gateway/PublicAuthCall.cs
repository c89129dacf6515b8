namespace FlowRunner.Gateway;

/// <summary>Which public auth request a call is.</summary>
internal enum PublicAuthKind
{
    /// <summary><c>POST /api/v1/public/auth/send-email-code</c> <c>{email}</c>.</summary>
    SendEmailCode,

    /// <summary><c>POST /api/v1/public/auth/confirm-email-code</c> <c>{challenge_id, code, device_public_key}</c>.</summary>
    ConfirmEmailCode,
}

/// <summary>
/// One public auth request on its way through the public auth flow (seed 004's first diagram): the request as it came,
/// what the limiter learned, and the backend's answer or the refusal. Handlers see it as the run's request.
/// </summary>
internal sealed class PublicAuthCall(string path, string? contentType, byte[] body, string clientAddress)
{
    /// <summary>The request's path.</summary>
    public string Path { get; } = path;

    /// <summary>The request's content type.</summary>
    public string? ContentType { get; } = contentType;

    /// <summary>The body as sent (at most the host's request limit).</summary>
    public byte[] Body { get; } = body;

    /// <summary>The client's address (an IPv6 client per /64), for the per-IP limit.</summary>
    public string ClientAddress { get; } = clientAddress;

    /// <summary>Which request it is, once classified.</summary>
    public PublicAuthKind? Kind { get; set; }

    /// <summary>What the per-address limit counts (the email, or the challenge), once the body is checked.</summary>
    public string? Subject { get; set; }

    /// <summary>The answer: a status and a JSON body.</summary>
    public (int Status, byte[] Body)? Answer { get; set; }

    /// <summary>Why the request was refused.</summary>
    public PublicRefusal? Refused { get; private set; }

    /// <summary>The kind, for a check that runs after classification.</summary>
    /// <exception cref="InvalidOperationException">The flow runs this check before "Classify request".</exception>
    public PublicAuthKind ValidKind => Kind ?? throw new InvalidOperationException("the request is read before it was classified: put \"Classify request\" first in the flow");

    /// <summary>Refuses the request with a ProblemDetails answer: the flow fails at this node.</summary>
    public Engine.Activities.ActivityResult Refuse(int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        Refused = new PublicRefusal(status, title, detail, retryAfter);
        return Engine.Activities.ActivityResult.Fail($"{status} {title}: {detail}");
    }
}

/// <summary>A refused public request: its HTTP status, the ProblemDetails title and detail, and for limits when to retry.</summary>
internal sealed record PublicRefusal(int Status, string Title, string Detail, TimeSpan? RetryAfter);
