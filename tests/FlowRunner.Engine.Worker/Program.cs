using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.Worker;
using FlowRunner.Storage.Sqlite;

// Usage: worker <database> <flow file> <instance count>
// Recovers whatever a previous (killed) run left, then starts instances until <count> exist, each run to its end.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: worker <database> <flow file> <instance count>");
    return 2;
}

string database = args[0];
string flowFile = args[1];
int count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

var store = new SqliteInstanceStore(database, TimeProvider.System, [EffectStore.Pack]);
await store.MigrateAsync(CancellationToken.None);

var catalog = new FlowCatalog(new ActivityRegistry().Add(new EffectActivity()), store);
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
return 0;
