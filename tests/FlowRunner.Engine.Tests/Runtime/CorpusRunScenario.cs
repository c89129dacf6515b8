using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.State;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Language;
using FlowRunner.Language.Graph;
using FlowRunner.Testing;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// Every shipped flow, and every corpus file whose end is reachable from its start, runs to completion with
/// scripted answers (confirm manual tasks; at a choice take the exit nearest an end). The others are the
/// files the validator already flags: no start, or no end reachable.
/// </summary>
public sealed class CorpusRunScenario
{
    public static TheoryData<string> Files() =>
    [
        .. Directory.EnumerateFiles(RepoPaths.Corpus, "*.fz").Order(StringComparer.Ordinal),
        .. Directory.EnumerateFiles(RepoPaths.Flows, "*.flow", SearchOption.AllDirectories).Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Runs_to_completion_when_an_end_is_reachable(string file)
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        string text = await File.ReadAllTextAsync(file);
        FlowAnalysis analysis = FlowAnalysis.Analyze(text, file);
        if (analysis.HasErrors)
        {
            Assert.Contains("invalid", file, StringComparison.Ordinal); // only the corpus file marked invalid
            return;
        }

        BoundFlow flow = h.Load("flow", text);
        FlowGraph graph = flow.Graph;
        bool endReachable = graph.Starts.Any() && graph.Nodes.Any(n => n.Kind == NodeKind.End && graph.Starts.Any(s => Reaches(graph, s.Id, n.Id)));
        if (!endReachable)
        {
            Assert.Contains(analysis.Diagnostics, d => d.Id is "FZ1006" or "FZ1007" or "FZ1008" or "FZ1018");
            if (!graph.Starts.Any())
            {
                await Assert.ThrowsAsync<FlowNotRunnableException>(() => h.StartAsync(flow));
            }

            return;
        }

        RunResult run = await h.StartAsync(flow);
        for (int answers = 0; run.Status == InstanceStatus.Waiting && answers < 500; answers++)
        {
            WaitingNode wait = run.WaitingAt[0];
            object input = wait.Expects.Choices.IsEmpty ? new { } : new { outcome = NearestToEnd(graph, wait.Node) };
            run = await h.ResumeAsync(run, wait.Node, input);
        }

        Assert.True(run.Status == InstanceStatus.Completed, $"{Path.GetFileName(file)}: {run.Status} {run.Incident?.Message} at {string.Join(",", run.WaitingAt.Select(w => w.Node))}");
    }

    private static string NearestToEnd(FlowGraph graph, string decision)
    {
        FlowEdge best = graph.FindNode(decision)!.Outgoing.MinBy(e => DistanceToEnd(graph, e.To))!;
        return best.Label ?? best.To;
    }

    private static int DistanceToEnd(FlowGraph graph, string from)
    {
        var seen = new HashSet<string> { from };
        var queue = new Queue<(string Node, int Distance)>([(from, 0)]);
        while (queue.Count > 0)
        {
            (string node, int distance) = queue.Dequeue();
            if (graph.FindNode(node)!.Kind == NodeKind.End)
            {
                return distance;
            }

            foreach (FlowEdge edge in graph.FindNode(node)!.Outgoing)
            {
                if (seen.Add(edge.To))
                {
                    queue.Enqueue((edge.To, distance + 1));
                }
            }
        }

        return int.MaxValue;
    }

    private static bool Reaches(FlowGraph graph, string from, string to) => from == to || DistanceToEnd(graph, from) != int.MaxValue && FlowRuntimeReach(graph, from, to);

    private static bool FlowRuntimeReach(FlowGraph graph, string from, string to)
    {
        var seen = new HashSet<string> { from };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            foreach (FlowEdge edge in graph.FindNode(queue.Dequeue())!.Outgoing)
            {
                string next = edge.To;
                if (next == to)
                {
                    return true;
                }

                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return false;
    }
}
