using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Dapper;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Testing;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Engine.Tests.Runtime;

/// <summary>
/// The execution semantics of flows/README.md, one scenario per rule, on real SQLite. Each folder under
/// <c>Conformance/</c> holds the flows (with their bindings files), <c>run.txt</c> (what to do, one action a line)
/// and <c>expected.txt</c>: what the engine answered to each action. <c>FLOWRUNNER_UPDATE_GOLDEN=1</c> rewrites the
/// expected runs; review the change in git.
/// </summary>
/// <remarks>
/// Actions: <c>load NAME FILE [BINDINGS]</c>, <c>start</c> (instances are #1, #2, ...), <c>use #N</c>,
/// <c>resume NODE [JSON]</c>, <c>resume-stale NODE</c> (with the previous version), <c>resume-concurrently N NODE</c>,
/// <c>result</c>, <c>advance DURATION</c> (ISO 8601), <c>fire-timers</c>, <c>restart</c>, <c>recover</c>,
/// <c>roles</c>, <c>variables</c>, <c>records</c>, <c>stored TEXT</c> (is TEXT anywhere in the database files or the journal),
/// <c>sql STATEMENT</c> (with <c>@i</c> the current instance). Lines starting with <c>#</c> are comments.
/// </remarks>
public sealed class ConformanceScenarios
{
    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Engine.Tests", "Conformance");

    public static TheoryData<string> Cases() => [.. Directory.EnumerateDirectories(Folder).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Runs_as_expected(string name)
    {
        string scenario = Path.Combine(Folder, name);
        string actual = await RunAsync(scenario);
        string expectedPath = Path.Combine(scenario, "expected.txt");
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(expectedPath, actual);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing: run with FLOWRUNNER_UPDATE_GOLDEN=1 and review it");
        Assert.Equal((await File.ReadAllTextAsync(expectedPath)).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Every_scenario_has_a_flow_a_run_and_an_expected_run()
    {
        Assert.NotEmpty(Cases());
        Assert.All(Directory.EnumerateDirectories(Folder), d =>
        {
            Assert.NotEmpty(Directory.EnumerateFiles(d, "*.flow"));
            Assert.True(File.Exists(Path.Combine(d, "run.txt")), d);
            Assert.True(File.Exists(Path.Combine(d, "expected.txt")), d);
        });
    }

    private static async Task<string> RunAsync(string scenario)
    {
        await using EngineHarness h = await EngineHarness.CreateAsync();
        var run = new ScenarioRun(h, scenario);
        foreach (string line in File.ReadAllLines(Path.Combine(scenario, "run.txt")))
        {
            string action = line.Trim();
            if (action.Length == 0 || action.StartsWith('#'))
            {
                continue;
            }

            run.Output.Append("> ").Append(action).Append('\n');
            try
            {
                await run.DoAsync(action);
            }
            catch (Exception e) when (e is InvalidInputException or NotWaitingException or ConcurrencyException)
            {
                run.Output.Append("error: ").Append(e.GetType().Name).Append(": ").Append(e.Message).Append('\n');
            }
        }

        return run.Transcript();
    }

    /// <summary>The state of one scenario: the harness, the loaded flows, the instances started and what was printed.</summary>
    private sealed class ScenarioRun(EngineHarness h, string scenario)
    {
        private readonly List<string> _instances = [];
        private BoundFlow? _flow;
        private int _current = -1;

        public StringBuilder Output { get; } = new();

        private string Current => _current >= 0 ? _instances[_current] : throw new InvalidOperationException("no instance: 'start' first");

        public async Task DoAsync(string action)
        {
            string[] words = action.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "load":
                    string[] files = action.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    _flow = h.Load(files[1], Read(files[2]), files.Length > 3 ? Read(files[3]) : null);
                    break;
                case "start":
                    RunResult started = await h.StartAsync(_flow ?? throw new InvalidOperationException("'load' a flow first"));
                    _instances.Add(started.InstanceId);
                    _current = _instances.Count - 1;
                    Write(started);
                    break;
                case "use":
                    _current = int.Parse(words[1].TrimStart('#'), CultureInfo.InvariantCulture) - 1;
                    break;
                case "resume":
                    Write(await h.Runtime.ResumeAsync(Current, words[1], EngineHarness.Input(words.Length > 2 ? JsonDocument.Parse(words[2]).RootElement : null), null, CancellationToken.None));
                    break;
                case "resume-stale":
                    RunResult now = await h.Runtime.GetResultAsync(Current, CancellationToken.None);
                    Write(await h.Runtime.ResumeAsync(Current, words[1], EngineHarness.Input(null), now.Version - 1, CancellationToken.None));
                    break;
                case "resume-concurrently":
                    await ResumeConcurrentlyAsync(int.Parse(words[1], CultureInfo.InvariantCulture), words[2]);
                    break;
                case "result":
                    Write(await h.Runtime.GetResultAsync(Current, CancellationToken.None));
                    break;
                case "advance":
                    h.Time.Advance(XmlConvert.ToTimeSpan(words[1]));
                    break;
                case "fire-timers":
                    Line($"fired: {await h.Runtime.FireDueTimersAsync(CancellationToken.None)}");
                    break;
                case "restart":
                    h.Restart();
                    break;
                case "recover":
                    Line($"recovered: {await h.Runtime.RecoverAsync(CancellationToken.None)}");
                    break;
                case "roles":
                    BoundFlow flow = _flow ?? throw new InvalidOperationException("'load' a flow first");
                    Line("roles: " + string.Join(", ", flow.Graph.Lanes.Select(l => $"{l.Id} {flow.RoleOf(l.Id)}")));
                    break;
                case "variables":
                    var state = await h.Store.GetAsync(Current, CancellationToken.None);
                    Line("variables: " + string.Join(", ", state!.Variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} = {v.Value.GetRawText()}")));
                    break;
                case "records":
                    await WriteRecordsAsync();
                    break;
                case "stored":
                    string text = action["stored ".Length..];
                    Line($"stored: {(await IsStoredAsync(text) ? "yes" : "no")}");
                    break;
                case "sql":
                    using (var connection = new SqliteConnection("Data Source=" + h.Store.Path))
                    {
                        await connection.ExecuteAsync(action["sql ".Length..], new { i = Current });
                    }

                    break;
                default:
                    throw new InvalidOperationException($"{Path.GetFileName(scenario)}/run.txt: unknown action '{words[0]}'");
            }
        }

        public string Transcript()
        {
            string text = Output.ToString();
            for (int i = 0; i < _instances.Count; i++)
            {
                text = text.Replace(_instances[i], "#" + (i + 1), StringComparison.Ordinal);
            }

            return text;
        }

        private string Read(string file) => File.ReadAllText(Path.Combine(scenario, file));

        private void Line(string text) => Output.Append(text).Append('\n');

        private void Write(RunResult run)
        {
            Line($"status: {run.Status} (version {run.Version})");
            Line("path: " + string.Join(" -> ", run.Path));
            foreach (WaitingNode wait in run.WaitingAt.OrderBy(w => w.Node, StringComparer.Ordinal))
            {
                var expects = new List<string>();
                if (!wait.Expects.Fields.IsEmpty)
                {
                    expects.Add("fields " + string.Join(", ", wait.Expects.Fields.Select(f => $"{f.Key} ({f.Value.Type}{(f.Value.Required ? string.Empty : ", optional")})")));
                }

                if (!wait.Expects.Choices.IsEmpty)
                {
                    expects.Add("a choice of " + string.Join(", ", wait.Expects.Choices));
                }

                if (wait.Expects.Deadline is { } deadline)
                {
                    expects.Add($"an answer within {deadline - h.Time.GetUtcNow()}");
                }

                Line($"waiting: {wait.Node} in {wait.Lane} \"{wait.Label}\" for {(expects.Count == 0 ? "a go-ahead" : string.Join("; ", expects))}");
            }

            foreach ((string key, JsonElement value) in run.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                Line($"output: {key} = {value.GetRawText()}");
            }

            if (run.Incident is { } incident)
            {
                Line($"incident: {incident.Code} at {incident.NodeId}: {incident.Message}");
            }
        }

        private async Task ResumeConcurrentlyAsync(int count, string node)
        {
            string instance = Current;
            Task<RunResult>[] answers = [.. Enumerable.Range(0, count).Select(_ => Task.Run(() =>
                h.Runtime.ResumeAsync(instance, node, EngineHarness.Input(null), null, CancellationToken.None)))];
            int won = 0;
            int refused = 0;
            foreach (Task<RunResult> answer in answers)
            {
                try
                {
                    await answer;
                    won++;
                }
                catch (NotWaitingException)
                {
                    refused++;
                }
            }

            Line($"answers: {won} accepted, {refused} refused as not waiting");
        }

        private async Task WriteRecordsAsync()
        {
            using var connection = new SqliteConnection("Data Source=" + h.Store.Path);
            var records = await connection.QueryAsync<(string Instance, string Node)>("SELECT instance_id, node_id FROM records ORDER BY rowid");
            var outbox = await connection.QueryAsync<(string Instance, string Kind)>("SELECT instance_id, kind FROM outbox ORDER BY rowid");
            Line("records: " + (records.Any() ? string.Join(", ", records.Select(r => $"{r.Instance} {r.Node}")) : "none"));
            Line("outbox: " + (outbox.Any() ? string.Join(", ", outbox.Select(o => $"{o.Instance} {o.Kind}")) : "none"));
        }

        // WAL mode: recent writes may still be in the -wal file, so read both, and the journal as the API returns it.
        private async Task<bool> IsStoredAsync(string text)
        {
            string files = string.Concat(new[] { h.Store.Path, h.Store.Path + "-wal" }.Where(File.Exists).Select(f => Encoding.Latin1.GetString(ReadShared(f))));
            var journal = new StringBuilder();
            foreach (string instance in _instances)
            {
                foreach (var entry in await h.Store.GetJournalAsync(instance, CancellationToken.None))
                {
                    journal.Append(entry.Detail);
                }
            }

            return files.Contains(text, StringComparison.Ordinal) || journal.ToString().Contains(text, StringComparison.Ordinal);
        }

        private static byte[] ReadShared(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
