using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.Worker;
using FlowRunner.Storage.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Trace;

// Usage: worker <database> <flow file> <instance count>
// Recovers whatever a previous (killed) run left, then starts instances until <count> exist, each run to its end.
// FLOWRUNNER_WORKER_SPANS=<file>: traces with OpenTelemetry's in-memory exporter and writes the spans to the file at exit
// (a killed worker writes none). FLOWRUNNER_WORKER_HANG=1: the "Hang" node blocks until the worker is killed.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: worker <database> <flow file> <instance count>");
    return 2;
}

string database = args[0];
string flowFile = args[1];
int count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

var spans = new List<System.Diagnostics.Activity>();
using TracerProvider? tracing = Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_SPANS") is null ? null
    : Sdk.CreateTracerProviderBuilder().AddSource(FlowRunner.Engine.Telemetry.FlowTelemetry.Name).AddInMemoryExporter(spans).Build();

// One node under one name: a worker started again after a kill takes its instances back at once, leases or not.
var store = new SqliteInstanceStore(database, TimeProvider.System, [EffectStore.Pack]) { Lease = new FlowRunner.Engine.Persistence.NodeLease("worker", FlowRunner.Engine.Persistence.NodeLease.DefaultDuration) };
await store.MigrateAsync(CancellationToken.None);

var catalog = new FlowCatalog(new ActivityRegistry().Add(new EffectActivity()).Add(new HangActivity(Environment.GetEnvironmentVariable("FLOWRUNNER_WORKER_HANG") == "1")), store);
LoadedFlow loaded = catalog.Load(Path.GetDirectoryName(Path.GetFullPath(flowFile))!, flowFile);
if (loaded.Flow is null)
{
    Console.Error.WriteLine(string.Join(Environment.NewLine, loaded.Diagnostics));
    return 1;
}

var runtime = new FlowRuntime(store, catalog, TimeProvider.System);
int recovered = await runtime.RecoverAsync(CancellationToken.None);
int existing = (await store.ListAsync(null, int.MaxValue, CancellationToken.None)).Count;
for (int i = existing; i < count; i++)
{
    await runtime.StartAsync(loaded.Flow, loaded.Source, CancellationToken.None);
}

Console.WriteLine($"recovered {recovered}, started {Math.Max(0, count - existing)}");
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
