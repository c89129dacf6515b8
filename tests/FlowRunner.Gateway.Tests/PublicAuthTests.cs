using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway.V1;
using FlowRunner.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace FlowRunner.Gateway.Tests;

/// <summary>
/// Seed 004's public auth through the gateway on a real Kestrel: an emailed code (read from the outbox) signs a device
/// in, whose key then signs commands; the limiter refuses bad bodies and floods before anything reaches the backend.
/// </summary>
public sealed class PublicAuthTests : IAsyncLifetime
{
    private KestrelHost _host = null!;

    public async Task InitializeAsync() => _host = await KestrelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_emailed_code_signs_a_device_in_and_its_key_signs_commands()
    {
        await _host.CreateUserAsync("ann@example.com", "correct horse battery staple");
        using var key = new SigningKey(SigningKey.NewSeed());

        string challenge = await SendAsync("Ann@Example.com");
        HttpResponseMessage confirmed = await ConfirmAsync(challenge, await CodeSentToAsync("ann@example.com"), key);

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("no-store", confirmed.Headers.CacheControl?.ToString());
        JsonElement answer = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        using var gateway = new SigningKey(_host.Gateway.SigningKey);
        Assert.Equal(Base64UrlTextEncoder.Encode(gateway.PublicKey), answer.GetProperty("gateway_public_key").GetString());
        Assert.InRange(answer.GetProperty("server_time_ms").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 10_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using GatewayDevice device = GatewayDevice.ForSession(_host.GrpcAddress, answer.GetProperty("user_id").GetString()!, answer.GetProperty("device_session_id").GetString()!, key);
        ExecuteCommandResponse profile = await device.SendAsync(device.Command("user.profile.get"));
        using JsonDocument read = JsonDocument.Parse(profile.PayloadBytes.Memory);
        Assert.Equal("ann@example.com", read.RootElement.GetProperty("email").GetString());
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_signs_up_on_confirmation()
    {
        using var key = new SigningKey(SigningKey.NewSeed());

        HttpResponseMessage sent = await PostAsync(PublicAuthEndpoints.SendPath, new { email = "new@example.com" });
        JsonElement answer = await sent.Content.ReadFromJsonAsync<JsonElement>();
        string challenge = answer.GetProperty("challenge_id").GetString()!;
        HttpResponseMessage confirmed = await ConfirmAsync(challenge, await CodeSentToAsync("new@example.com"), key);

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(["challenge_id"], answer.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        await using Engine.Activities.IUnitOfWork data = _host.Store.OpenReadOnly();
        Assert.NotNull(await data.Store<global::FlowRunner.Activities.Identity.Data.IIdentityStore>().FindByEmailAsync("new@example.com"));
    }

    [Fact]
    public async Task With_sign_up_off_an_unknown_address_gets_the_same_answer_no_email_and_no_account()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(TestKeys.Identity() with { EmailSignUp = false });
        await host.CreateUserAsync("known@example.com", "a password");
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };

        HttpResponseMessage known = await client.PostAsJsonAsync(PublicAuthEndpoints.SendPath, new { email = "known@example.com" });
        HttpResponseMessage unknown = await client.PostAsJsonAsync(PublicAuthEndpoints.SendPath, new { email = "nobody@example.com" });

        JsonElement knownAnswer = await known.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement unknownAnswer = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(Shape(knownAnswer), Shape(unknownAnswer));
        IReadOnlyList<OutboxMessage> outbox = await host.Store.ReadOutboxAsync(0, 100, CancellationToken.None);
        Assert.Equal(["known@example.com"], outbox.Select(m => m.Payload.GetProperty("to").GetString()));
        string challenge = unknownAnswer.GetProperty("challenge_id").GetString()!;
        using var key = new SigningKey(SigningKey.NewSeed());
        for (int code = 0; code < 5; code++)
        {
            HttpResponseMessage guess = await client.PostAsJsonAsync(PublicAuthEndpoints.ConfirmPath,
                new { challenge_id = challenge, code = code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), device_public_key = Base64UrlTextEncoder.Encode(key.PublicKey) });
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        await using Engine.Activities.IUnitOfWork data = host.Store.OpenReadOnly();
        Assert.Null(await data.Store<global::FlowRunner.Activities.Identity.Data.IIdentityStore>().FindByEmailAsync("nobody@example.com"));
    }

    [Fact]
    public async Task A_code_works_once_and_five_wrong_codes_spend_the_challenge()
    {
        using var key = new SigningKey(SigningKey.NewSeed());
        string once = await SendAsync("once@example.com");
        string code = await CodeSentToAsync("once@example.com");
        string guessed = await SendAsync("guessed@example.com");
        string right = await CodeSentToAsync("guessed@example.com");
        string wrong = right == "000000" ? "000001" : "000000";

        HttpResponseMessage first = await ConfirmAsync(once, code, key);
        HttpResponseMessage again = await ConfirmAsync(once, code, key);
        var tries = new List<(HttpStatusCode, string?)>();
        for (int i = 0; i < 5; i++)
        {
            HttpResponseMessage attempt = await ConfirmAsync(guessed, wrong, key);
            tries.Add((attempt.StatusCode, (await attempt.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
        }

        HttpResponseMessage late = await ConfirmAsync(guessed, right, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal([.. Enumerable.Repeat((HttpStatusCode.Unauthorized, (string?)"invalid_code"), 4), (HttpStatusCode.Unauthorized, "invalid_challenge")], tries);
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Equal("invalid_challenge", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    public static TheoryData<string, string, string, int> BadRequests => new()
    {
        { PublicAuthEndpoints.SendPath, "application/json", """{"email": "not an address"}""", 400 },
        { PublicAuthEndpoints.SendPath, "application/json", """{"email": "a\u0000b@example.com"}""", 400 }, // PostgreSQL's text cannot hold it
        { PublicAuthEndpoints.SendPath, "application/json", """{"email": "a@example.com", "admin": "true"}""", 400 },
        { PublicAuthEndpoints.SendPath, "application/json", """["a@example.com"]""", 400 },
        { PublicAuthEndpoints.SendPath, "application/json", """{"email": "a@example.com""", 400 },
        { PublicAuthEndpoints.SendPath, "text/plain", "a@example.com", 415 },
        { PublicAuthEndpoints.SendPath, "application/json", "{\"email\": \"" + new string('a', 5000) + "@example.com\"}", 413 },
        { PublicAuthEndpoints.ConfirmPath, "application/json", """{"challenge_id": "abcdefghijklmnopqrstuvwxyz", "code": "12345", "device_public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", 400 },
        { PublicAuthEndpoints.ConfirmPath, "application/json", """{"challenge_id": "abcdefghijklmnopqrstuvwxyz", "code": "123456", "device_public_key": "not-a-key"}""", 400 },
        { PublicAuthEndpoints.ConfirmPath, "application/json", """{"challenge_id": "x", "code": "123456", "device_public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", 400 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task The_limiter_refuses_a_bad_body_with_a_problem_and_nothing_reaches_the_backend(string path, string contentType, string body, int status)
    {
        HttpResponseMessage response = await _host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _host.Store.ListAsync("auth/device-sign-in", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Sends_to_one_address_past_its_limit_get_429_with_retry_after_and_never_reach_the_backend()
    {
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 7; i++)
        {
            statuses.Add((await PostAsync(PublicAuthEndpoints.SendPath, new { email = "flood@example.com" })).StatusCode);
        }

        HttpResponseMessage refused = await PostAsync(PublicAuthEndpoints.SendPath, new { email = "FLOOD@example.com" });
        HttpResponseMessage other = await PostAsync(PublicAuthEndpoints.SendPath, new { email = "calm@example.com" });

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(6, (await _host.Store.ListAsync("auth/device-sign-in", 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_backends_auth_routes_take_only_the_service_token()
    {
        var body = new { email = "direct@example.com" };
        using HttpClient user = _host.ClientWithRole("admin");
        using var service = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        service.DefaultRequestHeaders.Authorization = new("Bearer", _host.Gateway.ServiceToken);

        HttpResponseMessage anonymous = await _host.Client.PostAsJsonAsync("/api/v1/internal/auth/send-email-code", body);
        HttpResponseMessage withUserToken = await user.PostAsJsonAsync("/api/v1/internal/auth/send-email-code", body);
        HttpResponseMessage withServiceToken = await service.PostAsJsonAsync("/api/v1/internal/auth/send-email-code", body);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withUserToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withServiceToken.StatusCode);
    }

    private static string[] Shape(JsonElement answer) => [.. answer.EnumerateObject().Select(p => p.Name + ":" + p.Value.ValueKind + ":" + p.Value.GetString()!.Length)];

    private Task<HttpResponseMessage> PostAsync(string path, object body) => _host.Client.PostAsJsonAsync(path, body);

    private async Task<string> SendAsync(string email)
    {
        HttpResponseMessage sent = await PostAsync(PublicAuthEndpoints.SendPath, new { email });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        return (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge_id").GetString()!;
    }

    private Task<HttpResponseMessage> ConfirmAsync(string challenge, string code, SigningKey key) =>
        PostAsync(PublicAuthEndpoints.ConfirmPath, new { challenge_id = challenge, code, device_public_key = Base64UrlTextEncoder.Encode(key.PublicKey) });

    // The mailbox: the newest sign-in code the outbox holds for the address.
    private async Task<string> CodeSentToAsync(string email)
    {
        IReadOnlyList<OutboxMessage> outbox = await _host.Store.ReadOutboxAsync(0, 1000, CancellationToken.None);
        return outbox.Last(m => m.Kind == "email.sign-in-code" && m.Payload.GetProperty("to").GetString() == email).Payload.GetProperty("code").GetString()!;
    }
}
