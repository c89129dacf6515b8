using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using FlowRunner.Gateway.V1;
using FlowRunner.Testing;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Benchmarks;

/// <summary>
/// Signed <c>user.profile.get</c> through the gateway's command flow (gRPC, every check, the session lookup and the
/// backend call over REST) against the same backend call made directly (HTTP with the service token), in one run on
/// one host at the same number of concurrent clients. Phases alternate so both see the same machine. Prints a JSON line.
/// </summary>
internal static class GatewayBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 16;
        var phase = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5);
        // Budgets are the deployment's to size: here they are out of the way, so the benchmark measures the checks.
        await using KestrelHost host = await KestrelHost.StartAsync(logLevel: LogLevel.Warning, editFlows: flows =>
        {
            string bindings = Path.Combine(flows, "gateway", "execute-command.bindings.json");
            File.WriteAllText(bindings, File.ReadAllText(bindings).Replace("\"capacity\": ", "\"capacity\": 1000000", StringComparison.Ordinal)
                .Replace("\"per_minute\": ", "\"per_minute\": 6000000", StringComparison.Ordinal));
        });
        var devices = new List<GatewayDevice>();
        for (int i = 0; i < clients; i++)
        {
            devices.Add(await GatewayDevice.CreateAsync(host));
        }

        HttpClient[] direct = [.. devices.Select(d =>
        {
            var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Gateway.ServiceToken);
            client.DefaultRequestHeaders.Add("X-Device-Session-Id", d.SessionId);
            return client;
        })];

        Func<int, Task> viaGateway = async i =>
        {
            ExecuteCommandResponse response = await devices[i].SendAsync(devices[i].Command("user.profile.get"));
            if (ResponseEnvelope.Parser.ParseFrom(response.Envelope).Status != 200)
            {
                throw new InvalidOperationException("the gateway's answer was not 200");
            }
        };
        Func<int, Task> directly = async i =>
        {
            using HttpResponseMessage response = await direct[i].GetAsync("/api/v1/user/profile");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        };

        var progress = Benchmark.Progress();
        progress.Report("gateway: warming up");
        await RunPhaseAsync(clients, TimeSpan.FromSeconds(2), directly);
        await RunPhaseAsync(clients, TimeSpan.FromSeconds(2), viaGateway);
        var directRuns = new List<(int Count, TimeSpan Time, List<double> Latencies)>();
        var gatewayRuns = new List<(int Count, TimeSpan Time, List<double> Latencies)>();
        for (int round = 0; round < 2; round++)
        {
            progress.Report($"gateway: round {round + 1}/2, direct");
            directRuns.Add(await RunPhaseAsync(clients, phase, directly));
            progress.Report($"gateway: round {round + 1}/2, through the gateway");
            gatewayRuns.Add(await RunPhaseAsync(clients, phase, viaGateway));
        }

        progress.Dispose();
        double directRate = directRuns.Sum(r => r.Count) / directRuns.Sum(r => r.Time.TotalSeconds);
        double gatewayRate = gatewayRuns.Sum(r => r.Count) / gatewayRuns.Sum(r => r.Time.TotalSeconds);
        double directP95 = Percentile([.. directRuns.SelectMany(r => r.Latencies)], 95);
        double gatewayP95 = Percentile([.. gatewayRuns.SelectMany(r => r.Latencies)], 95);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"direct backend call:  {directRate:F0} req/s, p50 {Percentile([.. directRuns.SelectMany(r => r.Latencies)], 50):F2} ms, p95 {directP95:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"through the gateway:  {gatewayRate:F0} req/s, p50 {Percentile([.. gatewayRuns.SelectMany(r => r.Latencies)], 50):F2} ms, p95 {gatewayP95:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput {gatewayRate / directRate:F2}x direct (target >= 0.7x), added p95 {gatewayP95 - directP95:F2} ms (target < 5 ms), {clients} clients"));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            clients,
            directRequestsPerSecond = Math.Round(directRate),
            gatewayRequestsPerSecond = Math.Round(gatewayRate),
            throughputRatio = Math.Round(gatewayRate / directRate, 3),
            directP95Ms = Math.Round(directP95, 2),
            gatewayP95Ms = Math.Round(gatewayP95, 2),
            addedP95Ms = Math.Round(gatewayP95 - directP95, 2),
        }));
        foreach (GatewayDevice device in devices)
        {
            device.Dispose();
        }

        return 0;
    }

    // Each client sends one request after another for the phase: how many, how long, and each one's latency.
    private static async Task<(int Count, TimeSpan Time, List<double> Latencies)> RunPhaseAsync(int clients, TimeSpan length, Func<int, Task> request)
    {
        var latencies = new List<double>[clients];
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = [];
            while (Stopwatch.GetElapsedTime(start) < length)
            {
                long sent = Stopwatch.GetTimestamp();
                await request(i);
                mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        })));
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        List<double> all = [.. latencies.SelectMany(l => l)];
        return (all.Count, elapsed, all);
    }

    private static double Percentile(List<double> values, int percentile)
    {
        values.Sort();
        return values[Math.Min(values.Count - 1, values.Count * percentile / 100)];
    }
}
