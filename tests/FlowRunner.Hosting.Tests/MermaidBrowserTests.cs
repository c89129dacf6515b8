using System.Text.Json;
using System.Text.RegularExpressions;
using FlowRunner.Language;
using FlowRunner.Language.Rendering;
using FlowRunner.Testing;
using Microsoft.Playwright;

namespace FlowRunner.Hosting.Tests;

/// <summary>
/// The Mermaid export of every shipped flow and corpus file, rendered by Mermaid itself in Debian's chromium: each chart
/// parses and draws, and its lanes are stacked top to bottom in declaration order, as in the SVG.
/// </summary>
public sealed partial class MermaidBrowserTests
{
    [Fact]
    public async Task Mermaid_draws_every_chart_with_its_lanes_stacked_in_order()
    {
        string[] files = [.. Directory.EnumerateFiles(RepoPaths.Flows, "*.flow", SearchOption.AllDirectories).Concat(RepoPaths.CorpusFiles()).Order(StringComparer.Ordinal)];
        string[] charts = [.. files.Select(f => MermaidRenderer.From(FlowAnalysis.Analyze(File.ReadAllText(f), f).Graph))];

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        IPage page = await browser.NewPageAsync();
        await page.SetContentAsync("<!doctype html><html><body></body></html>");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = OutsideValidators.PackageFile(Path.Combine("mermaid", "dist", "mermaid.min.js")) });
        JsonElement results = await page.EvaluateAsync<JsonElement>("""
            async (charts) => {
              mermaid.initialize({ startOnLoad: false, flowchart: { htmlLabels: false } });
              const results = [];
              for (let i = 0; i < charts.length; i++) {
                try {
                  const { svg } = await mermaid.render('chart' + i, charts[i]);
                  const holder = document.createElement('div');
                  holder.innerHTML = svg;
                  document.body.append(holder);
                  const clusters = [...holder.querySelectorAll('g.cluster')].map((g) => {
                    const box = g.getBoundingClientRect();
                    return { id: g.id, top: box.top, bottom: box.bottom };
                  });
                  holder.remove();
                  results.push({ ok: true, clusters });
                } catch (e) {
                  results.push({ ok: false, error: String(e) });
                }
              }
              return results;
            }
            """, charts);

        var problems = new List<string>();
        for (int i = 0; i < files.Length; i++)
        {
            JsonElement result = results[i];
            string name = Path.GetFileName(files[i]);
            if (!result.GetProperty("ok").GetBoolean())
            {
                problems.Add($"{name}: {result.GetProperty("error").GetString()}");
                continue;
            }

            var lanes = result.GetProperty("clusters").EnumerateArray()
                .Select(c => (Lane: int.Parse(LaneId().Match(c.GetProperty("id").GetString()!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                    Top: c.GetProperty("top").GetDouble(), Bottom: c.GetProperty("bottom").GetDouble()))
                .OrderBy(c => c.Lane).ToList();
            for (int l = 0; l + 1 < lanes.Count; l++)
            {
                if (lanes[l + 1].Top < lanes[l].Bottom - 1)
                {
                    problems.Add($"{name}: lane {lanes[l + 1].Lane} (top {lanes[l + 1].Top:F0}) is not below lane {lanes[l].Lane} (bottom {lanes[l].Bottom:F0})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [GeneratedRegex(@"lane(\d+)")]
    private static partial Regex LaneId();
}
