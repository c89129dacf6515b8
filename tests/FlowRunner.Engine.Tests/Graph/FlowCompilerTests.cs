using FlowRunner.Engine.Graph;
using FlowRunner.Language;
using FlowRunner.Language.Formatting;
using FlowRunner.Language.Parsing;

namespace FlowRunner.Engine.Tests.Graph;

public sealed class FlowCompilerTests
{
    private static string Flows => Path.Combine(RepoRoot(), "flows");

    [Fact]
    public void Login_flow_compiles_with_kinds_and_lane_roles()
    {
        //  User:       (n1) -> [n2] -> [n3]          [n4] -> [n5] -> (n6)
        //  AuthServer:                  [n7] -> [n8] -> <n9> -> [n10] -> <n12> -> <n13> -> [n15]
        //  MFA:                                                             [n16] -> [n17] -> <n18>
        FlowGraph graph = Compile(Path.Combine(Flows, "auth", "login.flow"));
        Assert.Equal("auth/login", graph.Name);
        Assert.Equal(NodeKind.Start, graph.Node("n1").Kind);
        Assert.Equal(NodeKind.End, graph.Node("n6").Kind);
        Assert.Equal(NodeKind.Decision, graph.Node("n9").Kind);
        Assert.Equal(NodeKind.Activity, graph.Node("n10").Kind);
        Assert.Equal(["n1"], graph.Starts.Select(n => n.Id));
        Assert.Equal(
            [("User", LaneRole.Actor), ("AuthServer", LaneRole.Service), ("MFA", LaneRole.Service)],
            graph.Lanes.Select(l => (l.Id, l.Role)));
        FlowNode decision = graph.Node("n9");
        Assert.Equal(["Yes", "No"], decision.Outgoing.Select(i => graph.Edges[i].Label));
        Assert.Equal("Multi-Factor Auth", graph.FindLane("MFA")!.Label);
    }

    [Theory]
    [InlineData("User", "User", LaneRole.Actor)]
    [InlineData("client", "Client", LaneRole.Actor)]
    [InlineData("Customers", "Customers", LaneRole.Actor)]
    [InlineData("MFA", "Multi-Factor Auth", LaneRole.Service)]
    [InlineData("UserService", "User Service", LaneRole.Service)]
    [InlineData("AuthServer", "Auth Server", LaneRole.Service)]
    [InlineData("app", "App", LaneRole.Service)]
    public void Lane_roles_are_inferred_from_whole_words(string id, string label, LaneRole expected) =>
        Assert.Equal(expected, LaneRoles.Infer(id, label));

    [Fact]
    public void Circle_between_edges_is_a_milestone()
    {
        //  (n1) -> (n2) -> (n3)
        FlowGraph graph = CompileText("A { # A\nn1: circle label:\"Start\"\nn2: circle label:\"Half way\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        Assert.Equal([NodeKind.Start, NodeKind.Milestone, NodeKind.End], graph.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public void Loop_bound_comes_from_the_text_or_the_default()
    {
        FlowGraph setup = Compile(Path.Combine(Flows, "auth", "2fa-setup.flow"));
        FlowLoop loop = Assert.Single(setup.Loops);
        Assert.Equal((LoopBounds.Default, false), (loop.MaxIterations, loop.BoundFromText));

        FlowGraph bounded = CompileText("A { # A\nn1: circle label:\"Start\"\nn2: rectangle label:\"Try\"\nn3: diamond label:\"Ok?\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\n"
            + "n3.handle(top) -> n2.handle(top) [label=\"No\"]\nloop [retry up to 3 times] n2 n3\n}\n");
        Assert.Equal((3, true), (bounded.Loops[0].MaxIterations, bounded.Loops[0].BoundFromText));
    }

    [Theory]
    [InlineData("retry up to 3 times", 3)]
    [InlineData("repeat 3 times", 3)]
    [InlineData("at most five attempts", 5)]
    [InlineData("Max 20 retries", 20)]
    [InlineData("poll no more than 12", 12)]
    [InlineData("retry until valid", null)]
    [InlineData("many times", null)]
    [InlineData("up to 0 times", null)]
    public void Loop_bounds_are_read_from_plain_text(string text, int? expected) =>
        Assert.Equal(expected, LoopBounds.FromText(text));

    [Fact]
    public void Hash_ignores_layout_but_not_content()
    {
        string path = Path.Combine(Flows, "auth", "login.flow");
        string text = File.ReadAllText(path);
        string hash = CompileText(text).Hash;

        string unformatted = text.Replace("  ", string.Empty, StringComparison.Ordinal).Replace("\n\n", "\n", StringComparison.Ordinal);
        Assert.Equal(hash, CompileText(unformatted).Hash);
        Assert.Equal(hash, CompileText(FlowFormatter.Format(FlowParser.Parse(unformatted))!).Hash);
        Assert.Equal(hash, CompileText(text.Replace("\n", "\r\n", StringComparison.Ordinal)).Hash);

        Assert.NotEqual(hash, CompileText(text.Replace("\"Verify password hash\"", "\"Check password hash\"", StringComparison.Ordinal)).Hash);
        Assert.NotEqual(hash, CompileText(text.Replace("[label=\"Try again\"]", "[label=\"Again\"]", StringComparison.Ordinal)).Hash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Flow_with_errors_does_not_compile()
    {
        CompileResult result = FlowCompiler.Compile(FlowAnalysis.Analyze("A { # A\nn1: circel label:\"x\"\n}\n"), "bad");
        Assert.Null(result.Graph);
        Assert.Contains(result.Diagnostics, d => d.Id == "FZ0003");
    }

    [Fact]
    public void Every_corpus_file_without_errors_compiles()
    {
        string corpus = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "corpus", "flowzap"));
        int compiled = 0;
        foreach (string file in Directory.EnumerateFiles(corpus, "*.fz"))
        {
            FlowAnalysis analysis = FlowAnalysis.Analyze(File.ReadAllText(file), file);
            CompileResult result = FlowCompiler.Compile(analysis, Path.GetFileNameWithoutExtension(file));
            Assert.Equal(analysis.HasErrors, result.Graph is null);
            if (result.Graph is { } graph)
            {
                Assert.Equal(analysis.Model.Nodes.Length, graph.Nodes.Length);
                Assert.All(graph.Edges, e => Assert.Contains(e.Index, graph.Node(e.From).Outgoing));
                compiled++;
            }
        }

        Assert.Equal(42, compiled);
    }

    private static FlowGraph Compile(string path) => FlowCompiler.CompileFile(Flows, path).Graph!;

    private static FlowGraph CompileText(string text) => FlowCompiler.Compile(FlowAnalysis.Analyze(text), "test").Graph!;

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowRunner.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FlowRunner.sln not found");
    }
}
