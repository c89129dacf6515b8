using System.Reflection;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// A start or an answer returns the instance as its run left it: a start reads nothing back, an answer reads back only
/// the journal (for the path before it), and what they return is what a fresh read of the instance gives.
/// </summary>
public sealed class RunResultScenario
{
    //  (n1) -> [n2 Approve] -> (n3), and a second branch from n1 that waits at n4 too.
    private const string Flow = """
        Main { # Main
        n1: circle label:"Start"
        n2: rectangle label:"Approve"
        n3: circle label:"End"
        n4: rectangle label:"Check"
        n5: circle label:"Checked"
        n1.handle(right) -> n2.handle(left)
        n2.handle(right) -> n3.handle(left)
        n1.handle(bottom) -> n4.handle(top)
        n4.handle(right) -> n5.handle(left)
        }
        """;

    [Fact]
    public async Task A_start_reads_nothing_back_and_an_answer_reads_only_the_journal()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var store = CountingStore.Wrap(h.Store);
        var runtime = new FlowRuntime(store.Store, h.Catalog, h.Time);
        var flow = h.Load("main", Flow);
        RunResult started = await runtime.StartAsync(flow, File.ReadAllText(Path.Combine(h.Folder, "main.flow")), CancellationToken.None);
        Assert.Equal(0, store.Calls("GetAsync") + store.Calls("GetJournalAsync"));

        RunResult answered = await runtime.ResumeAsync(started.InstanceId, "n2", EngineHarness.Input(null), started.Version, CancellationToken.None);
        Assert.Equal(1, store.Calls("GetAsync")); // the instance the answer is for
        Assert.Equal(1, store.Calls("GetJournalAsync"));
        Assert.Equal(InstanceStatus.Waiting, answered.Status);
    }

    [Fact]
    public async Task Instance_ids_begin_with_the_start_time_from_the_runtime_clock_so_later_starts_sort_after()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var flow = h.Load("main", Flow);
        RunResult first = await h.StartAsync(flow);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        RunResult second = await h.StartAsync(flow);

        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), second.InstanceId[..12]);
        Assert.True(string.CompareOrdinal(first.InstanceId, second.InstanceId) < 0, $"{first.InstanceId} sorts after {second.InstanceId}");
    }

    [Fact]
    public async Task What_a_start_and_an_answer_return_is_what_a_fresh_read_gives()
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var flow = h.Load("main", Flow);
        RunResult started = await h.StartAsync(flow);
        Assert.Equal(["n1", "n2", "n4"], started.Path.ToArray());
        AssertSame(await h.Runtime.GetResultAsync(started.InstanceId, CancellationToken.None), started);

        RunResult first = await h.ResumeAsync(started, "n4", expectedVersion: started.Version);
        AssertSame(await h.Runtime.GetResultAsync(started.InstanceId, CancellationToken.None), first);
        RunResult done = await h.ResumeAsync(first, "n2", expectedVersion: first.Version);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(["n1", "n2", "n4", "n5", "n3"], done.Path.ToArray());
        AssertSame(await h.Runtime.GetResultAsync(started.InstanceId, CancellationToken.None), done);
    }

    private static void AssertSame(RunResult read, RunResult returned)
    {
        Assert.Equal(read.Status, returned.Status);
        Assert.Equal(read.Version, returned.Version);
        Assert.Equal(read.Path.ToArray(), returned.Path.ToArray());
        Assert.Equal(read.WaitingAt.Select(w => (w.Node, w.Lane, w.Label)), returned.WaitingAt.Select(w => (w.Node, w.Lane, w.Label)));
        Assert.Equal(read.Outputs.Keys.Order(StringComparer.Ordinal), returned.Outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(read.Incident, returned.Incident);
    }

    /// <summary>The real store, with a count of the calls made to each of its methods.</summary>
    public class CountingStore : DispatchProxy
    {
        private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
        private IInstanceStore _inner = null!;

        public static CountingStore Wrap(IInstanceStore inner)
        {
            IInstanceStore proxy = Create<IInstanceStore, CountingStore>();
            var counting = (CountingStore)(object)proxy;
            counting._inner = inner;
            return counting;
        }

        public int Calls(string method)
        {
            lock (_calls)
            {
                return _calls.GetValueOrDefault(method);
            }
        }

        /// <summary>This proxy as the store it counts.</summary>
        public IInstanceStore Store => (IInstanceStore)(object)this;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            lock (_calls)
            {
                _calls[targetMethod!.Name] = _calls.GetValueOrDefault(targetMethod.Name) + 1;
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
