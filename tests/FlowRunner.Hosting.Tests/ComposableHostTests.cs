using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowRunner.Hosting.Tests;

/// <summary>
/// An ASP.NET Core app composes FlowRunner from the builder: its own store, its own activities, its own
/// authentication, no identity pack; FlowRunner's request limits hold without any Kestrel setting.
/// </summary>
public sealed class ComposableHostTests
{
    private const string Flow = "Desk { # Desk\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Stamp the form\"\n  n3: rectangle label:\"Sign\"\n  n4: circle label:\"End\"\n"
        + "  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n3.handle(right) -> n4.handle(left)\n}\n";

    [Fact]
    public async Task A_container_disposed_synchronously_closes_the_SQLite_store_without_throwing()
    {
        using var folder = new TempFolder("flowrunner-dispose-");
        var services = new ServiceCollection();
        services.AddFlowRunner(o => o.FlowsFolder = folder.File("flows")).UseSqlite(folder.File("app.db"));
        ServiceProvider provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<Engine.Persistence.IInstanceStore>();
        await store.MigrateAsync(CancellationToken.None);
        Assert.Null(await store.TakeTokenAsync("client", 10, 1, CancellationToken.None)); // a write: the writer connection is open

        provider.Dispose(); // not every host disposes its container asynchronously
        Assert.Null(await store.TakeTokenAsync("client", 10, 1, CancellationToken.None)); // a later write opens it again
    }

    [Fact]
    public async Task An_app_without_the_identity_pack_runs_flows_with_its_own_activities_and_authentication()
    {
        using var folder = new TempFolder("flowrunner-compose-");
        folder.Write("flows/office/stamp.flow", Flow);
        await using WebApplication app = await StartAsync(folder);
        using HttpClient admin = Client(app, "admin");

        HttpResponseMessage started = await admin.PostAsync("/flows/office/stamp/instances", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        JsonElement run = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("waiting", run.GetProperty("status").GetString());
        Assert.Equal("n3", run.GetProperty("waitingAt")[0].GetProperty("node").GetString()); // n2 ran the app's handler, n3 is a manual task
        Assert.Equal("stamped", run.GetProperty("outputs").GetProperty("form").GetString());

        using HttpClient clerk = Client(app, "clerk");
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/flows")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/flows")).StatusCode);
        Assert.DoesNotContain(app.Services.GetServices<Routes.IRouteFunction>(), f => f.Name == "hash"); // no identity pack, no hash function
    }

    [Fact]
    public async Task Request_bodies_over_the_library_limit_are_refused_with_413()
    {
        using var folder = new TempFolder("flowrunner-compose-");
        folder.Write("flows/office/stamp.flow", Flow);
        await using WebApplication app = await StartAsync(folder, o => o.MaxRequestBodyBytes = 1024);
        using HttpClient admin = Client(app, "admin");
        JsonElement run = await (await admin.PostAsync("/flows/office/stamp/instances", null)).Content.ReadFromJsonAsync<JsonElement>();
        string id = run.GetProperty("instanceId").GetString()!;

        using var big = new StringContent(JsonSerializer.Serialize(new { note = new string('x', 2048) }), System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PostAsync($"/instances/{id}/nodes/n3", big)).StatusCode);
        using var small = new StringContent("{" + new string(' ', 900) + "}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/instances/{id}/nodes/n3", small)).StatusCode);
    }

    [Fact]
    public async Task An_answer_to_an_instance_this_host_would_run_otherwise_is_503_and_changes_nothing()
    {
        //  (n1) -> [n2 Approve: manual] -> [n3 Stamp the form] -> (n4)
        using var folder = new TempFolder("flowrunner-compose-");
        folder.Write("flows/office/approve.flow", "Desk { # Desk\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Approve\"\n  n3: rectangle label:\"Stamp the form\"\n"
            + "  n4: circle label:\"End\"\n  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n3.handle(left)\n  n3.handle(right) -> n4.handle(left)\n}\n");
        string id;
        await using (WebApplication first = await StartAsync(folder))
        {
            using HttpClient admin = Client(first, "admin");
            id = (await (await admin.PostAsync("/flows/office/approve/instances", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        }

        // Restarted without the app's stamp handler: n3 would be a manual task here.
        await using WebApplication restarted = await StartAsync(folder, stamp: false);
        using HttpClient client = Client(restarted, "admin");
        using var answer = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        HttpResponseMessage refused = await client.PostAsync($"/instances/{id}/nodes/n2", answer);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("n3 waits as a manual task", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        JsonElement instance = await client.GetFromJsonAsync<JsonElement>($"/instances/{id}");
        Assert.Equal("n2", instance.GetProperty("instance").GetProperty("waitingAt")[0].GetProperty("node").GetString());
    }

    [Fact]
    public async Task A_host_without_a_store_says_how_to_add_one()
    {
        using var folder = new TempFolder("flowrunner-compose-");
        folder.Write("flows/office/stamp.flow", Flow);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddFlowRunner(o => o.FlowsFolder = folder.File("flows"));
        await using WebApplication app = builder.Build();
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => app.MapFlows());
        Assert.Contains("UseSqlite", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_whose_rules_do_not_match_answers_a_generic_500_and_logs_the_detail_with_the_instance()
    {
        using var folder = new TempFolder("flowrunner-compose-");
        folder.Write("flows/office/stamp.flow", Flow);
        folder.Write("flows/routes.json", """
            { "routes": { "POST /api/stamp": { "public": true, "start": "office/stamp",
              "results": { "completed": { "status": 200, "body": { "form": "=outputs.form" } } } } } }
            """);
        var logs = new CapturingLoggerProvider();
        await using WebApplication app = await StartAsync(folder, routes: folder.File("flows/routes.json"), logs: logs);
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        HttpResponseMessage response = await anonymous.PostAsJsonAsync("/api/stamp", new { });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode); // the flow waits at n3: no rule says what to answer
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("n3", body, StringComparison.Ordinal);
        Assert.DoesNotContain("wait", body, StringComparison.OrdinalIgnoreCase);
        string id = Assert.Single(await app.Services.GetRequiredService<Engine.Persistence.IInstanceStore>().ListAsync(null, 10, CancellationToken.None)).Id;
        Assert.Contains(logs.Lines, line => line.Contains(id, StringComparison.Ordinal) && line.Contains("waiting at n3", StringComparison.Ordinal));
    }

    private static async Task<WebApplication> StartAsync(TempFolder folder, Action<FlowRunnerOptions>? configure = null, string? routes = null, ILoggerProvider? logs = null, bool stamp = true)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        FlowRunnerBuilder flowRunner = builder.Services.AddFlowRunner(o =>
            {
                o.FlowsFolder = folder.File("flows");
                configure?.Invoke(o);
            })
            .UseSqlite(folder.File("app.db"));
        if (stamp)
        {
            flowRunner.AddActivities<StampActivity>();
        }

        if (routes is not null)
        {
            flowRunner.AddRoutes(routes);
        }

        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFlows();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string role)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Add(HeaderAuthentication.Header, role);
        return client;
    }

    /// <summary>The app's own activity: binds to "Stamp the form" by its label.</summary>
    public sealed class StampActivity : IActivityHandler
    {
        public string Type => "office.stamp";

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => ["Stamp the form"];

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ActivityResult.Done(ImmutableDictionary<string, JsonElement>.Empty.Add("form", JsonSerializer.SerializeToElement("stamped"))));
    }

    /// <summary>The app's own authentication (not FlowRunner's): the role comes from a header, as a gateway in front might set it.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "app-header";
        public const string Header = "X-App-Role";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers[Header].ToString() is not { Length: > 0 } role)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, role), new Claim(ClaimTypes.Role, role)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
