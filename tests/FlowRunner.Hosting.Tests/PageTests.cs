using System.Net.Http.Json;
using System.Text.Json;
using FlowRunner.Testing;
using Microsoft.Playwright;

namespace FlowRunner.Hosting.Tests;

/// <summary>
/// The web page in a real browser (Debian's chromium driven by Playwright) against a real Kestrel: sign in, see the
/// login flow drawn, start an instance through the API, watch its path appear and move on the diagram.
/// </summary>
public sealed class PageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_page_draws_the_login_flow_and_follows_an_instance_live()
    {
        Assert.True(File.Exists(Chromium), "install Debian's chromium (apt-get install -y chromium); .ci/run does");
        await using KestrelHost host = await KestrelHost.StartAsync();
        await host.CreateUserAsync("admin@example.com", "correct horse battery", "admin");
        await host.CreateUserAsync("ann@example.com", "ann's long password", "user");

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };
        await page.GotoAsync(host.Client.BaseAddress!.ToString());

        // Sign in with the keyboard only: fields and the button are reachable and usable without a mouse.
        await page.FocusAsync("#email");
        await page.Keyboard.TypeAsync("admin@example.com");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("correct horse battery");
        await page.Keyboard.PressAsync("Enter");

        ILocator loginButton = page.Locator("#flows button[data-flow='auth/login']");
        await loginButton.WaitForAsync();
        await loginButton.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        // The login flow drawn: its lanes and nodes as the SVG renderer draws them.
        await page.Locator("#diagram svg g.node[data-node='n2']").WaitForAsync();
        Assert.Equal("auth/login", await page.Locator("#flow-title").TextContentAsync());
        Assert.Equal(19, await page.Locator("#diagram svg g.node").CountAsync());
        Assert.Contains("Enter credentials", await page.Locator("#diagram svg g.node[data-node='n2']").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#diagram svg g.node.visited").CountAsync());

        // It opens fitted: the whole picture, inside the panel; the keyboard zooms in and 0 fits again.
        string fitted = (await page.Locator("#diagram svg").GetAttributeAsync("viewBox"))!;
        Assert.StartsWith("0 0 ", fitted, StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const s = document.querySelector('#diagram svg'); const b = s.getBBox(); const m = s.getScreenCTM(); const r = s.getBoundingClientRect();"
            + " return b.width * m.a <= r.width + 1 && b.height * m.d <= r.height + 1; }"), "the fitted picture is larger than the panel");
        string fittedShot = Path.Combine(AppContext.BaseDirectory, "page-login-fitted.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = fittedShot, FullPage = true });
        Assert.True(new FileInfo(fittedShot).Length > 10_000, "the screenshot is empty");
        await page.FocusAsync("#diagram");
        await page.Keyboard.PressAsync("+");
        double Width(string viewBox) => double.Parse(viewBox.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Width((await page.Locator("#diagram svg").GetAttributeAsync("viewBox"))!) < Width(fitted) * 0.9, "+ did not zoom in");
        await page.Keyboard.PressAsync("0");
        Assert.Equal(fitted, await page.Locator("#diagram svg").GetAttributeAsync("viewBox"));

        // An instance started through the API shows up, and its path is drawn: n1 visited, n2 waiting.
        using HttpClient admin = host.ClientWithRole("admin");
        HttpResponseMessage started = await admin.PostAsync("/flows/auth/login/instances", null);
        string id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        ILocator instanceButton = page.Locator($"#instances button[data-instance='{id}']");
        await instanceButton.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await instanceButton.ClickAsync();
        await page.Locator("#diagram svg g.node.waiting[data-node='n2']").WaitForAsync();
        Assert.Contains("visited", await page.Locator("#diagram svg g.node[data-node='n1']").GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#diagram svg g.edge.taken").CountAsync());
        Assert.Contains("waiting at n2", await page.Locator("#path").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);

        // Answered through the API, the instance moves on and the page follows it without a reload.
        HttpResponseMessage answered = await admin.PostAsJsonAsync($"/instances/{id}/nodes/n2", new { email = "ann@example.com", password = "ann's long password" });
        answered.EnsureSuccessStatusCode();
        await page.Locator("#diagram svg g.node.visited[data-node='n12']").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('path').textContent.includes(': completed')");
        Assert.Equal(0, await page.Locator("#diagram svg g.node.waiting").CountAsync());
        Assert.True(await page.Locator("#diagram svg g.edge.taken").CountAsync() >= 8);

        string screenshot = Path.Combine(AppContext.BaseDirectory, "page-login-instance.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
        Assert.Contains("completed", await instanceButton.TextContentAsync() ?? string.Empty, StringComparison.Ordinal); // the list agrees with the summary

        // A diagnostic in the list highlights the node its line declares.
        File.WriteAllText(Path.Combine(host.FlowsFolder, "orphan.flow"),
            "Desk { # Desk\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Work\"\n  n3: rectangle label:\"Forgotten\"\n  n4: circle label:\"End\"\n"
            + "  n1.handle(right) -> n2.handle(left)\n  n2.handle(right) -> n4.handle(left)\n}\n");
        ILocator orphanFlow = page.Locator("#flows button[data-flow='orphan']");
        for (int i = 0; i < 50 && await orphanFlow.CountAsync() == 0; i++)
        {
            await Task.Delay(200);
            await page.ReloadAsync();
        }

        await orphanFlow.ClickAsync();
        ILocator diagnostic = page.Locator("#diagnostics button", new PageLocatorOptions { HasTextString = "FZ1014" });
        await diagnostic.ClickAsync();
        await page.Locator("#diagram svg g.node.highlight[data-node='n3']").WaitForAsync();
        Assert.Equal(1, await page.Locator("#diagram svg .highlight").CountAsync());
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    [Fact]
    public async Task The_page_is_public_static_and_locked_down_while_its_data_needs_a_token()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        HttpResponseMessage page = await host.Client.GetAsync("/");
        page.EnsureSuccessStatusCode();
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        string policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        string html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        foreach (string file in new[] { "/ui/app.js", "/ui/app.css", "/ui/diagram.css" })
        {
            HttpResponseMessage response = await host.Client.GetAsync(file);
            response.EnsureSuccessStatusCode();
            string content = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("https://", content, StringComparison.Ordinal); // nothing from outside the machine
        }

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/flows/auth/login/diagram.svg")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/flows/auth/login/instances")).StatusCode);
        using HttpClient admin = host.ClientWithRole("admin");
        HttpResponseMessage svg = await admin.GetAsync("/flows/auth/login/diagram.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<svg ", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync("/instances/nope/diagram.svg")).StatusCode);
    }
}
