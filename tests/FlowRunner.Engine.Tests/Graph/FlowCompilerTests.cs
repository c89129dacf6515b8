using FlowRunner.Engine.Graph;
using FlowRunner.Language;
using FlowRunner.Language.Formatting;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Parsing;
using FlowRunner.Testing;

namespace FlowRunner.Engine.Tests.Graph;

public sealed class FlowCompilerTests
{
    private static string Flows => RepoPaths.Flows;

    [Fact]
    public void Login_flow_compiles_with_kinds_and_lane_roles()
    {
        //  User:       (n1) -> [n2] -> [n3]          [n4] -> [n5] -> (n6)
        //  AuthServer:                  [n7] -> [n8] -> <n9> -> [n10] -> <n12> -> <n13> -> [n15]
        //  MFA:                                                             [n16] -> [n17] -> <n18>
        CompiledFlow flow = Compile(Path.Combine(Flows, "auth", "login.flow"));
        FlowGraph graph = flow.Graph;
        Assert.Equal("auth/login", flow.Name);
        Assert.Equal(NodeKind.Start, graph.FindNode("n1")!.Kind);
        Assert.Equal(NodeKind.End, graph.FindNode("n6")!.Kind);
        Assert.Equal(NodeKind.Decision, graph.FindNode("n9")!.Kind);
        Assert.Equal(NodeKind.Activity, graph.FindNode("n10")!.Kind);
        Assert.Equal(["n1"], graph.Starts.Select(n => n.Id));
        Assert.Equal(
            [("User", LaneRole.Actor), ("AuthServer", LaneRole.Service), ("MFA", LaneRole.Service)],
            graph.Lanes.Select(l => (l.Id, flow.LaneRoles[l.Index])));
        Assert.Equal(["Yes", "No"], graph.FindNode("n9")!.Outgoing.Select(e => e.Label));
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
        CompiledFlow flow = CompileText("A { # A\nn1: circle label:\"Start\"\nn2: circle label:\"Half way\"\nn3: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n");
        Assert.Equal([NodeKind.Start, NodeKind.Milestone, NodeKind.End], flow.Graph.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public void Loop_bound_comes_from_the_text_or_the_default()
    {
        CompiledFlow setup = Compile(Path.Combine(Flows, "auth", "2fa-setup.flow"));
        Assert.Single(setup.Graph.Loops);
        Assert.Equal(new LoopBound(LoopBounds.Default, FromText: false), Assert.Single(setup.LoopBounds));

        CompiledFlow bounded = CompileText("A { # A\nn1: circle label:\"Start\"\nn2: rectangle label:\"Try\"\nn3: diamond label:\"Ok?\"\nn4: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\n"
            + "n3.handle(top) -> n2.handle(top) [label=\"No\"]\nloop [retry up to 3 times] n2 n3\n}\n");
        Assert.Equal(new LoopBound(3, FromText: true), bounded.LoopBounds[0]);
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
        FlowAnalysis analysis = FlowAnalysis.Analyze("A { # A\nn1: circel label:\"x\"\n}\n");
        Assert.Contains(analysis.Diagnostics, d => d.Id == "FZ0003");
        Assert.Null(FlowCompiler.Compile(analysis, "bad"));
    }

    [Fact]
    public void Every_corpus_file_without_errors_compiles()
    {
        string corpus = RepoPaths.Corpus;
        int compiled = 0;
        foreach (string file in Directory.EnumerateFiles(corpus, "*.fz"))
        {
            FlowAnalysis analysis = FlowAnalysis.Analyze(File.ReadAllText(file), file);
            CompiledFlow? flow = FlowCompiler.Compile(analysis, Path.GetFileNameWithoutExtension(file));
            Assert.Equal(analysis.HasErrors, flow is null);
            if (flow is not null)
            {
                Assert.Same(analysis.Graph, flow.Graph);
                Assert.Equal(flow.Graph.Lanes.Length, flow.LaneRoles.Length);
                Assert.Equal(flow.Graph.Loops.Length, flow.LoopBounds.Length);
                compiled++;
            }
        }

        Assert.Equal(42, compiled);
    }

    [Theory]
    // Stored instances are pinned to these hashes (computed before the engine ran on the language's graph):
    // a change here would strand every instance of an earlier version.
    [InlineData("flows/auth/login.flow", "38073a3229b8f95748cb6e1781f6e535e5082ae82500842f324e043ec87571e8")]
    [InlineData("flows/auth/2fa-setup.flow", "f6fb2bc9be7a5fea500d34a1d7e1b34f8c0eb6ae3a8096714d17b1ea351c7335")]
    [InlineData("flows/auth/password-reset.flow", "fe2319037b55139f71af92f08f8a27dd87f88cb72253869b156c41b6a6328a93")]
    [InlineData("flows/auth/token-refresh.flow", "dfe5bc32fd9a84f96a0c4e93540f603024cb70d4268c2d02d6630daceac5f84e")]
    [InlineData("tests/FlowRunner.Language.Tests/Golden/4-valid/taskbox-and-loop.flow", "bf29c36afae9c3556bc910580c8f2eb36f8955c07070507ed595bab5c7c12e38")]
    [InlineData("tests/FlowRunner.Language.Tests/Golden/4-valid/bom.flow", "c496f72285fb36ffa04b0075e9cbb0ed1152ed80d2ebeae656c98919bc3b959e")]
    public void Hashes_of_existing_flows_do_not_change(string file, string hash) =>
        Assert.Equal(hash, CompileText(File.ReadAllText(Path.Combine(RepoPaths.Root, file))).Hash);

    private static CompiledFlow Compile(string path) =>
        FlowCompiler.Compile(FlowAnalysis.Analyze(File.ReadAllText(path), path), FlowCompiler.NameFor(Flows, path))!;

    private static CompiledFlow CompileText(string text) => FlowCompiler.Compile(FlowAnalysis.Analyze(text), "test")!;
}
