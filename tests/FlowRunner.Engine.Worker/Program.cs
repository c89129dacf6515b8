using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.Worker;
using FlowRunner.Storage.Postgres;
using FlowRunner.Storage.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Trace;

// Usage: worker <database> <flow file> <instance count> [--node NAME] [--lease-ms N] [--until-done] [--clock-offset-s N] [--quota]
//        [--warm-up N] [--for-seconds S]
// Recovers whatever a previous (killed) run of this node left, then starts instances until <count> exist (with
// --quota: starts <count> more; with --for-seconds: starts them for S seconds), each run to its end, and prints what it
// did and how long the starts took. --warm-up: first starts N instances untimed and prints "warm in X ms" (a
// benchmark's steady state). <database> is a SQLite file or a PostgreSQL connection string (Host=...). --until-done: then takes over
// other nodes' instances whose lease ran out, until every instance has ended. --clock-offset-s: the node's clock is
// wrong by that much (leases go by the database's clock).
// FLOWRUNNER_WORKER_SPANS=<file>: traces with OpenTelemetry's in-memory exporter and writes the spans to the file at exit
// (a killed worker writes none). FLOWRUNNER_WORKER_HANG=1: the "Hang" node blocks until the worker is killed;
// FLOWRUNNER_WORKER_HANG=<ms> (more than 1): it takes that long. FLOWRUNNER_WORKER_EFFECT_MS: how long an "Effect"
// node works before its write (5 ms by default; 0 for the benchmark).
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: worker <database> <flow file> <instance count> [--node NAME] [--lease-ms N] [--until-done] [--clock-offset-s N] [--quota] [--warm-up N] [--for-seconds S]");
    return 2;
}

string database = args[0];
string flowFile = args[1];
int count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
string node = Option("--node") ?? "worker";
TimeSpan leaseDuration = Option("--lease-ms") is { } ms ? TimeSpan.FromMilliseconds(int.Parse(ms, System.Globalization.CultureInfo.InvariantCulture)) : NodeLease.DefaultDuration;
bool untilDone = args.Contains("--until-done");
bool quota = args.Contains("--quota");
int warmUp = Option("--warm-up") is { } warm ? int.Parse(warm, System.Globalization.CultureInfo.InvariantCulture) : 0;
TimeSpan? forTime = Option("--for-seconds") is { } seconds ? TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)) : null;
TimeSpan effectWork = TimeSpan.FromMilliseconds(int.Parse(Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_EFFECT_MS") ?? "5", System.Globalization.CultureInfo.InvariantCulture));
TimeProvider time = Option("--clock-offset-s") is { } offset
    ? new OffsetTimeProvider(TimeSpan.FromSeconds(int.Parse(offset, System.Globalization.CultureInfo.InvariantCulture))) : TimeProvider.System;

var spans = new List<System.Diagnostics.Activity>();
using TracerProvider? tracing = Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_SPANS") is null ? null
    : Sdk.CreateTracerProviderBuilder().AddSource(FlowRunner.Engine.Telemetry.FlowTelemetry.Name).AddInMemoryExporter(spans).Build();

// One node under one name: a worker started again after a kill takes its own instances back at once, leases or not.
var lease = new NodeLease(node, leaseDuration);
IInstanceStore store = database.StartsWith("Host=", StringComparison.Ordinal)
    ? new PostgresInstanceStore(database, time, [EffectStore.PostgresPack]) { Lease = lease }
    : new SqliteInstanceStore(database, time, [EffectStore.SqlitePack]) { Lease = lease };
await store.MigrateAsync(CancellationToken.None);

TimeSpan? hang = Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_HANG") switch
{
    null or "0" => TimeSpan.Zero,
    "1" => null,
    string hangMs => TimeSpan.FromMilliseconds(int.Parse(hangMs, System.Globalization.CultureInfo.InvariantCulture)),
};
var catalog = new FlowCatalog(new ActivityRegistry().Add(new EffectActivity(node, effectWork)).Add(new HangActivity(hang)).Add(new WorkActivity()), store);
LoadedFlow loaded = catalog.Load(Path.GetDirectoryName(Path.GetFullPath(flowFile))!, flowFile);
if (loaded.Flow is null)
{
    Console.Error.WriteLine(string.Join(Environment.NewLine, loaded.Diagnostics));
    return 1;
}

var runtime = new FlowRuntime(store, catalog, time);
using var stop = new CancellationTokenSource();
Task heartbeat = RenewLeasesAsync(runtime, leaseDuration / 3, stop.Token);
int recovered = await runtime.RecoverAsync(CancellationToken.None);
var warming = System.Diagnostics.Stopwatch.StartNew();
for (int i = 0; i < warmUp; i++)
{
    await runtime.StartAsync(loaded.Flow, loaded.Source, CancellationToken.None);
}

if (warmUp > 0)
{
    Console.WriteLine($"warm in {warming.Elapsed.TotalMilliseconds:F0} ms");
}

int started = 0;
var starting = System.Diagnostics.Stopwatch.StartNew();
while (forTime is { } limit ? starting.Elapsed < limit
    : quota ? started < count : (await store.ListAsync(null, int.MaxValue, CancellationToken.None)).Count < count) // other nodes may be starting them too
{
    await runtime.StartAsync(loaded.Flow, loaded.Source, CancellationToken.None);
    started++;
}

starting.Stop();

int takenOver = 0;
while (untilDone && (await store.ListAsync(null, int.MaxValue, CancellationToken.None)).Any(i => i.Status == FlowRunner.Engine.State.InstanceStatus.Running))
{
    takenOver += await runtime.SweepAsync(CancellationToken.None);
    await Task.Delay(200);
}

await stop.CancelAsync();
await heartbeat;
Console.WriteLine($"recovered {recovered}, started {started} in {starting.Elapsed.TotalMilliseconds:F0} ms, took over {takenOver}");
if (Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_SPANS") is { } spanFile)
{
    tracing!.ForceFlush();
    File.WriteAllLines(spanFile, spans.Select(a => System.Text.Json.JsonSerializer.Serialize(new
    {
        name = a.DisplayName,
        traceId = a.TraceId.ToHexString(),
        spanId = a.SpanId.ToHexString(),
        parentSpanId = a.ParentSpanId.ToHexString(),
        instance = a.GetTagItem("workflow.id") as string,
        node = a.GetTagItem("flowzap.node.id") as string,
    })));
}

return 0;

string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

static async Task RenewLeasesAsync(FlowRuntime runtime, TimeSpan every, CancellationToken stop)
{
    using var timer = new PeriodicTimer(every);
    try
    {
        while (await timer.WaitForNextTickAsync(stop))
        {
            await runtime.RenewLeasesAsync(stop);
        }
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
    }
}

/// <summary>A clock that is wrong by a fixed offset.</summary>
internal sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
}
