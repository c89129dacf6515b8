using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Hosting.Tests;

/// <summary>The generic flow and instance API on a real Kestrel: authentication, 401 vs 403, runs, conflicts, bad input.</summary>
public sealed class GenericApiTests
{
    [Fact]
    public async Task Health_and_openapi_are_public_and_everything_else_is_denied_by_default()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
        HttpResponseMessage openApi = await host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("\"/flows\"", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        HttpResponseMessage anonymous = await host.Client.GetAsync("/flows");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var forged = new HttpClient { BaseAddress = host.Client.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/flows")).StatusCode);

        using HttpClient user = host.ClientWithRole("user");
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/flows")).StatusCode); // authenticated, not allowed: 403, not 401
    }

    [Fact]
    public async Task Openapi_describes_route_bodies_from_routes_json()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        JsonElement paths = (await host.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        JsonElement login = paths.GetProperty("/api/auth/login").GetProperty("post");
        JsonElement request = login.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["email", "password"], request.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["email", "password"], request.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        JsonElement responses = login.GetProperty("responses");
        JsonElement[] ok = [.. responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf").EnumerateArray()];
        Assert.Equal(["access_token", "token_type", "expires_in", "refresh_token"], ok[0].GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal("boolean", ok[1].GetProperty("properties").GetProperty("require_2fa").GetProperty("type").GetString());
        Assert.Equal("from instance.id", ok[1].GetProperty("properties").GetProperty("session_id").GetProperty("description").GetString());
        Assert.Contains("the instance waits at n2", responses.GetProperty("401").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(responses.TryGetProperty("429", out _));

        // A route that reads other fields gets them: the 2FA code check reads session_id and code.
        JsonElement validate = paths.GetProperty("/api/auth/2fa/validate").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["code", "session_id"], validate.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Flows_are_listed_and_shown_with_graph_and_diagnostics()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        using HttpClient admin = host.ClientWithRole("admin");
        JsonElement flows = await admin.GetFromJsonAsync<JsonElement>("/flows");
        string[] files = [.. Directory.EnumerateFiles(host.FlowsFolder, "*.flow", SearchOption.AllDirectories)
            .Select(f => Path.ChangeExtension(Path.GetRelativePath(host.FlowsFolder, f), null).Replace('\\', '/')).Order(StringComparer.Ordinal)];
        Assert.Contains("auth/login", files);
        Assert.Equal(files, flows.EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        JsonElement login = await admin.GetFromJsonAsync<JsonElement>("/flows/auth/login");
        Assert.Equal(19, login.GetProperty("graph").GetProperty("nodes").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/flows/nope")).StatusCode);
    }

    [Fact]
    public async Task An_instance_starts_waits_and_is_answered_over_http()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        var conformance = new OpenApiConformance();
        using HttpClient admin = conformance.Client(host.Client.BaseAddress!, host.AccessToken("admin"));

        HttpResponseMessage started = await admin.PostAsync("/flows/auth/login/instances", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        JsonElement state = await started.Content.ReadFromJsonAsync<JsonElement>();
        string id = state.GetProperty("instanceId").GetString()!;
        Assert.Equal($"/instances/{id}", started.Headers.Location!.OriginalString);
        Assert.Equal("waiting", state.GetProperty("status").GetString());
        JsonElement wait = state.GetProperty("waitingAt")[0];
        Assert.Equal("n2", wait.GetProperty("node").GetString());
        Assert.Equal("secret", wait.GetProperty("expects").GetProperty("fields").GetProperty("password").GetProperty("type").GetString());

        HttpResponseMessage answered = await admin.PostAsJsonAsync($"/instances/{id}/nodes/n2", new { email = "ann@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        JsonElement done = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.True(host.Identity.ValidateAccessToken(done.GetProperty("outputs").GetProperty("access_token").GetString()!, TimeProvider.System).IsValid);

        JsonElement read = await admin.GetFromJsonAsync<JsonElement>($"/instances/{id}");
        Assert.Contains(read.GetProperty("journal").EnumerateArray(), e => e.GetProperty("event").GetString() == "complete-instance");
        Assert.False(read.GetProperty("instance").GetProperty("outputs").TryGetProperty("access_token", out _)); // tokens reached the caller only

        // Every answer here is what the OpenAPI document says it is.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/flows/auth/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/flows/auth/login/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/instances/nope")).StatusCode);
        conformance.AssertAllMatch(await host.Client.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task A_wait_times_out_when_its_timer_is_due_not_at_the_next_poll()
    {
        // (n1) -> [n2 Approve, timeout 1 s] -Done-> (n3); -Timeout-> (n4). Timers are polled only every 30 s here.
        await using KestrelHost host = await KestrelHost.StartAsync(configure: o => o.TimerInterval = TimeSpan.FromSeconds(30), editFlows: flows =>
        {
            string flow = Path.Combine(flows, "approve.flow");
            File.WriteAllText(flow, "Main { # Main\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Approve\"\n  n3: circle label:\"Done\"\n"
                + "  n4: circle label:\"Expired\"\n  n1.handle(right) -> n2.handle(left)\n"
                + "  n2.handle(right) -> n3.handle(left) [label=\"Done\"]\n  n2.handle(bottom) -> n4.handle(top) [label=\"Timeout\"]\n}\n");
            File.WriteAllText(Path.ChangeExtension(flow, ".bindings.json"), "{ \"nodes\": { \"n2\": { \"timeout\": \"PT1S\" } } }");
        });
        using HttpClient admin = new() { BaseAddress = host.Client.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.AccessToken("admin"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage started = await admin.PostAsync("/flows/approve/instances", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        string id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;

        JsonElement instance;
        do
        {
            await Task.Delay(100);
            instance = (await admin.GetFromJsonAsync<JsonElement>($"/instances/{id}")).GetProperty("instance");
        }
        while (instance.GetProperty("status").GetString() != "completed" && clock.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out after {clock.Elapsed}, not at its 1 s deadline");
    }

    [Fact]
    public async Task Two_answers_to_one_wait_at_once_one_wins_and_the_other_gets_409()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        using HttpClient admin = host.ClientWithRole("admin");
        string id = (await (await admin.PostAsync("/flows/auth/login/instances", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            admin.PostAsJsonAsync($"/instances/{id}/nodes/n2", new { email = "ann@example.com", password = "correct horse battery" })));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        HttpResponseMessage conflict = answers.Single(a => a.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_with_the_right_status()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        var conformance = new OpenApiConformance();
        using HttpClient admin = conformance.Client(host.Client.BaseAddress!, host.AccessToken("admin"));
        string id = (await (await admin.PostAsync("/flows/auth/login/instances", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;

        HttpResponseMessage malformed = await admin.PostAsync($"/instances/{id}/nodes/n2", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("Malformed JSON", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.PostAsync($"/instances/{id}/nodes/n2", new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/instances/{id}/nodes/n2", new { email = "not an email", password = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PostAsync($"/instances/{id}/nodes/n2",
            new StringContent("{\"email\": \"" + new string('a', 200_000) + "\"}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/instances/nope/nodes/n2", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/instances/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/instances/{id}/nodes/n9", new { })).StatusCode);
        conformance.AssertAllMatch(await host.Client.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task An_edited_flow_serves_new_instances_while_an_edit_with_errors_is_refused()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        using HttpClient admin = host.ClientWithRole("admin");
        string file = Path.Combine(host.FlowsFolder, "auth", "login.flow");
        string before = (await admin.GetFromJsonAsync<JsonElement>("/flows/auth/login")).GetProperty("version").GetString()!;

        File.WriteAllText(file, File.ReadAllText(file).Replace("\"Enter credentials\"", "\"Enter credentials\"", StringComparison.Ordinal).Replace("label:\"End\"", "label:\"Done\"", StringComparison.Ordinal));
        string after = await PollVersionAsync(admin, before);
        Assert.NotEqual(before, after);

        File.WriteAllText(file, "User { # User\n  n1: circel label:\"Start\"\n}\n");
        JsonElement flow = await PollDiagnosticAsync(admin, "FZ0003");
        Assert.Equal(after, flow.GetProperty("version").GetString()); // the previous version keeps serving
        Assert.Contains(flow.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("id").GetString() == "FZ0003");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/flows/auth/login/instances", null)).StatusCode);
    }

    private static async Task<JsonElement> PollDiagnosticAsync(HttpClient admin, string id)
    {
        // The watcher debounces and reloads in the background; under a loaded CI machine that can take seconds.
        JsonElement flow = default;
        for (int i = 0; i < 100; i++)
        {
            flow = await admin.GetFromJsonAsync<JsonElement>("/flows/auth/login");
            if (flow.GetProperty("diagnostics").EnumerateArray().Any(d => d.GetProperty("id").GetString() == id))
            {
                return flow;
            }

            await Task.Delay(100);
        }

        return flow;
    }

    private static async Task<string> PollVersionAsync(HttpClient admin, string before)
    {
        for (int i = 0; i < 100; i++)
        {
            string now = (await admin.GetFromJsonAsync<JsonElement>("/flows/auth/login")).GetProperty("version").GetString()!;
            if (now != before)
            {
                return now;
            }

            await Task.Delay(100);
        }

        return before;
    }
}
