using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Hosting.Tests;

/// <summary>
/// On a real Kestrel, with ASP.NET Core's request spans captured beside the engine's: the request that starts an
/// instance is the parent of its first run; the request that answers it is linked to a run that continues the trace.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Requests_that_start_or_answer_an_instance_are_tied_to_its_trace()
    {
        using var spans = new SpanCapture("Microsoft.AspNetCore");
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("ann@example.com", "correct horse battery");
        using HttpClient admin = host.ClientWithRole("admin");

        string id = (await (await admin.PostAsync("/flows/auth/login/instances", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        (await admin.PostAsJsonAsync($"/instances/{id}/nodes/n2", new { email = "ann@example.com", password = "correct horse battery" })).EnsureSuccessStatusCode();

        Activity[] runs = spans.Runs(id);
        Assert.Equal(2, runs.Length);
        Activity[] requests = spans.All.Where(a => a.Kind == ActivityKind.Server).ToArray();
        Activity startRequest = Assert.Single(requests, r => r.SpanId == runs[0].ParentSpanId);
        Assert.Equal(runs[0].TraceId, startRequest.TraceId); // the start joins the request's trace
        Assert.Equal(runs[0].SpanId, runs[1].ParentSpanId); // the answer's run continues the instance's trace
        ActivityLink link = Assert.Single(runs[1].Links);
        Activity answerRequest = Assert.Single(requests, r => r.SpanId == link.Context.SpanId);
        Assert.NotEqual(runs[0].TraceId, answerRequest.TraceId); // a request of its own, linked
        Assert.True(answerRequest.StartTimeUtc <= runs[1].StartTimeUtc && answerRequest.StartTimeUtc + answerRequest.Duration >= runs[1].StartTimeUtc + runs[1].Duration,
            "the linked request is the one the answer's run ran inside");
        Assert.All(spans.Nodes(id), n => Assert.Equal(runs[0].TraceId, n.TraceId));
    }
}
