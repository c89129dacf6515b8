using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FlowRunner.Testing;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Hosting.Tests;

/// <summary>Seed 002's auth API (flows/routes.json) on a real Kestrel: the whole story, limits, and nothing secret in the logs.</summary>
public sealed class SeedAuthApiTests
{
    [Fact]
    public async Task The_seed_story_over_http()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        var conformance = new OpenApiConformance(); // every answer of the story is checked against the OpenAPI document
        using HttpClient api = conformance.Client(host.Client.BaseAddress!);

        // Log in: an RFC 6749 §5.1 token response.
        JsonElement tokens = await PostOkAsync(api, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" });
        Assert.Equal(("Bearer", 3600), (tokens.GetProperty("token_type").GetString(), tokens.GetProperty("expires_in").GetInt32()));
        string access = tokens.GetProperty("access_token").GetString()!;
        string refresh = tokens.GetProperty("refresh_token").GetString()!;

        // Unknown user and wrong password: the same 401 and body.
        HttpResponseMessage wrong = await api.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "nope" });
        HttpResponseMessage unknown = await api.PostAsJsonAsync("/api/auth/login", new { email = "bob@example.com", password = "nope" });
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrong.StatusCode, unknown.StatusCode));
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        // The profile needs a valid access token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/user/profile")).StatusCode);
        using HttpClient authed = conformance.Client(api.BaseAddress!, access);
        Assert.Equal("ann@example.com", (await authed.GetFromJsonAsync<JsonElement>("/api/user/profile")).GetProperty("email").GetString());

        // Refresh rotates; the old refresh token is then refused.
        JsonElement refreshed = await PostOkAsync(api, "/api/auth/refresh", new { refresh_token = refresh });
        Assert.NotEqual(refresh, refreshed.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refresh })).StatusCode);

        // Enable 2FA with a code from oathtool; the backup codes come back once.
        JsonElement enable = await PostOkAsync(authed, "/api/auth/2fa/enable", new { });
        string secret = enable.GetProperty("secret").GetString()!;
        Assert.StartsWith("<svg", enable.GetProperty("qr_code_svg").GetString(), StringComparison.Ordinal);
        string code = Oathtool(secret);
        JsonElement verify = await PostOkAsync(authed, "/api/auth/2fa/verify", new { code });
        string[] backupCodes = [.. verify.GetProperty("backup_codes").EnumerateArray().Select(c => c.GetString()!)];
        Assert.Equal(10, backupCodes.Length);

        // Log in with 2FA: a session id, then the code (the set-up code is used up; a backup code works once).
        JsonElement challenge = await PostOkAsync(api, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" });
        Assert.True(challenge.GetProperty("require_2fa").GetBoolean());
        string session = challenge.GetProperty("session_id").GetString()!;
        Assert.Equal(32, session.Length);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsJsonAsync("/api/auth/2fa/validate", new { session_id = session, code })).StatusCode);
        string session2 = (await PostOkAsync(api, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" })).GetProperty("session_id").GetString()!;
        Assert.True((await PostOkAsync(api, "/api/auth/2fa/validate", new { session_id = session2, code = backupCodes[0] })).GetProperty("access_token").GetString()!.Length > 0);

        // Reset the password: the same answer for any address; the link from the outbox works once.
        JsonElement known = await PostOkAsync(api, "/api/auth/reset-password", new { email = "ann@example.com" });
        JsonElement other = await PostOkAsync(api, "/api/auth/reset-password", new { email = "zed@example.com" });
        Assert.Equal(known.GetRawText(), other.GetRawText());
        string token = ResetTokenFromOutbox(host);
        Assert.True((await api.GetFromJsonAsync<JsonElement>($"/api/auth/reset/{token}")).GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/auth/reset/{token}", new { password = "a brand new password" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync($"/api/auth/reset/{token}")).StatusCode);
        JsonElement afterReset = await PostOkAsync(api, "/api/auth/login", new { email = "ann@example.com", password = "a brand new password" });
        Assert.True(afterReset.GetProperty("require_2fa").GetBoolean());

        Assert.True(conformance.Count >= 15, $"only {conformance.Count} answers recorded");
        conformance.AssertAllMatch(await host.Client.GetStringAsync("/openapi/v1.json"));

        // Nothing secret was logged: passwords, tokens, codes, secrets.
        string logs = string.Join("\n", host.Logs.Lines);
        foreach (string value in new[] { "correct horse battery", "a brand new password", access, refresh, secret, code, backupCodes[0], token })
        {
            Assert.DoesNotContain(value, logs, StringComparison.Ordinal);
        }

        // And no Data Protection key ring was set up in a user profile or in memory with a warning.
        Assert.DoesNotContain("Microsoft.AspNetCore.DataProtection", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completed_or_unknown_2fa_session_answers_invalid_session_whatever_code_is_sent()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        string access = (await PostOkAsync(host.Client, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" })).GetProperty("access_token").GetString()!;
        using var authed = new HttpClient { BaseAddress = host.Client.BaseAddress };
        authed.DefaultRequestHeaders.Authorization = new("Bearer", access);
        string secret = (await PostOkAsync(authed, "/api/auth/2fa/enable", new { })).GetProperty("secret").GetString()!;
        string[] backup = [.. (await PostOkAsync(authed, "/api/auth/2fa/verify", new { code = Oathtool(secret) })).GetProperty("backup_codes").EnumerateArray().Select(c => c.GetString()!)];
        string session = (await PostOkAsync(host.Client, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" })).GetProperty("session_id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync("/api/auth/2fa/validate", new { session_id = session, code = backup[0] })).StatusCode);

        // 2FA is on: the access token alone cannot replace it (TOTP-07); a backup code can.
        HttpResponseMessage replace = await authed.PostAsJsonAsync("/api/auth/2fa/enable", new { });
        Assert.Equal(HttpStatusCode.Forbidden, replace.StatusCode);
        Assert.Equal("current_code_required", (await replace.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.True((await PostOkAsync(authed, "/api/auth/2fa/enable", new { current_code = backup[2] })).GetProperty("secret").GetString()!.Length > 0);

        // The session is complete: replaying it, with any code, is an unknown session, not a 200 with an empty body.
        foreach (string code in new[] { backup[0], backup[1], "000000" })
        {
            HttpResponseMessage replay = await host.Client.PostAsJsonAsync("/api/auth/2fa/validate", new { session_id = session, code });
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
            Assert.Equal("invalid_session", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Token_responses_are_not_cacheable()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        HttpResponseMessage ok = await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" });
        HttpResponseMessage refused = await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "nope" });
        HttpResponseMessage malformed = await host.Client.PostAsync("/api/auth/refresh", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest), (ok.StatusCode, refused.StatusCode, malformed.StatusCode));
        Assert.All(new[] { ok, refused, malformed }, response =>
        {
            Assert.True(response.Headers.CacheControl?.NoStore, response.RequestMessage?.RequestUri?.ToString());
            Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        });
    }

    [Fact]
    public async Task Repeated_logins_for_one_account_get_429_with_retry_after()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        HttpResponseMessage? last = null;
        for (int i = 0; i < 11; i++)
        {
            last = await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "carol@example.com", password = "guess " + i });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "dave@example.com", password = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_locked_address_answers_429_with_the_same_body_whether_or_not_it_has_an_account()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        for (int i = 0; i < 5; i++)
        {
            await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "wrong " + i });
            await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "zed@example.com", password = "wrong " + i });
        }

        HttpResponseMessage known = await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" });
        HttpResponseMessage unknown = await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "zed@example.com", password = "correct horse battery" });
        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests), (known.StatusCode, unknown.StatusCode));
        // The same answer but for the request's trace id and the seconds left (each lock began at its fifth failure).
        static string Shape(string body) => System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", string.Empty), "[0-9]+", "N");
        Assert.Equal(Shape(await known.Content.ReadAsStringAsync()), Shape(await unknown.Content.ReadAsStringAsync()));
        int RetryAfter(HttpResponseMessage response) => int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(RetryAfter(known), 14 * 60, 15 * 60); // the seconds until the lock ends
        Assert.InRange(RetryAfter(unknown) - RetryAfter(known), -1, 1);
    }

    [Fact]
    public async Task Serve_prunes_finished_instances_past_the_retention_and_keeps_waiting_ones()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(configure: o =>
        {
            o.Retention = TimeSpan.Zero;
            o.PruneInterval = TimeSpan.FromMilliseconds(100);
        });
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        await PostOkAsync(host.Client, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" });
        await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "ann@example.com", password = "wrong" }); // waits at n2 again

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<FlowRunner.Engine.State.InstanceSummary> left;
        do
        {
            await Task.Delay(200);
            left = await host.Store.ListAsync(null, 10, CancellationToken.None);
        }
        while (left.Any(i => i.Status == FlowRunner.Engine.State.InstanceStatus.Completed) && stopwatch.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal([FlowRunner.Engine.State.InstanceStatus.Waiting], left.Select(i => i.Status)); // the completed login went; the waiting one stays
    }

    [Fact]
    public async Task Without_a_retention_finished_instances_stay_but_rate_buckets_idle_for_an_hour_go()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(configure: o =>
        {
            o.Retention = null;
            o.PruneInterval = TimeSpan.FromMilliseconds(100);
        });
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        await PostOkAsync(host.Client, "/api/auth/login", new { email = "ann@example.com", password = "correct horse battery" });
        using var connection = new SqliteConnection("Data Source=" + host.Database);
        await connection.OpenAsync();
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rate_buckets") > 0, "the login took no tokens");
        long twoHoursAgo = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        await connection.ExecuteAsync("UPDATE rate_buckets SET updated_ms = @twoHoursAgo", new { twoHoursAgo }); // as if idle since

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rate_buckets") > 0 && stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rate_buckets"));
        Assert.Equal([FlowRunner.Engine.State.InstanceStatus.Completed], (await host.Store.ListAsync(null, 10, CancellationToken.None)).Select(i => i.Status)); // kept
    }

    [Fact]
    public async Task Bad_requests_to_the_auth_api_are_clear()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        HttpResponseMessage malformed = await host.Client.PostAsync("/api/auth/login", new StringContent("{\"email\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await host.Client.PostAsync("/api/auth/login", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsJsonAsync("/api/auth/login", new { email = "not-an-email", password = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.PostAsJsonAsync("/api/auth/2fa/validate", new { session_id = "unknown", code = "123456" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.PostAsJsonAsync("/api/auth/2fa/enable", new { })).StatusCode);
    }

    private static async Task<JsonElement> PostOkAsync(HttpClient client, string path, object body)
    {
        HttpResponseMessage response = await client.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Oathtool(string base32) => ExternalTool.Run("oathtool", "--totp", "--base32", base32);

    private static string ResetTokenFromOutbox(KestrelHost host)
    {
        using var connection = new SqliteConnection("Data Source=" + host.Database);
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM outbox WHERE kind = 'email.password-reset' ORDER BY id DESC LIMIT 1";
        string payload = (string)command.ExecuteScalar()!;
        return JsonDocument.Parse(payload).RootElement.GetProperty("link").GetString()!.Split('/')[^1];
    }
}
