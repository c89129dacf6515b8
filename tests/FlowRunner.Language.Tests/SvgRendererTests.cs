using System.Xml.Linq;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Rendering;
using FlowRunner.Language.Tests.Support;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>
/// The SVG picture: well-formed XML for every shipped and corpus file, every node and edge drawn once, no two
/// nodes overlapping, deterministic, and byte-for-byte the golden pictures of the seed flows.
/// </summary>
public sealed class SvgRendererTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Files() => MermaidRendererTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_file_draws_as_well_formed_svg_with_every_node_edge_lane_and_loop(string file)
    {
        FlowGraph graph = FlowAnalysis.Analyze(File.ReadAllText(file), file).Graph;
        XDocument document = XDocument.Parse(SvgRenderer.Render(graph, Path.GetFileName(file)));

        XElement root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal(graph.Nodes.Length, root.Elements(Svg + "g").Count(g => Classes(g).Contains("node")));
        Assert.Equal(graph.Edges.Length, root.Elements(Svg + "g").Count(g => Classes(g).Contains("edge")));
        Assert.Equal(graph.Loops.Count(l => l.Nodes.Length > 0), root.Elements(Svg + "g").Count(g => Classes(g).Contains("loop")));
        Assert.True(root.Elements(Svg + "g").Count(g => Classes(g).Contains("lane")) >= graph.Lanes.Length);
        foreach (FlowLane lane in graph.Lanes)
        {
            Assert.Contains(root.Elements(Svg + "g"), g => (string?)g.Attribute("data-lane") == lane.Id);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void No_two_nodes_overlap_and_every_node_sits_inside_its_lane_band(string file)
    {
        FlowGraph graph = FlowAnalysis.Analyze(File.ReadAllText(file), file).Graph;
        SvgLayout layout = SvgLayout.Of(graph);

        for (int i = 0; i < layout.Nodes.Length; i++)
        {
            for (int j = i + 1; j < layout.Nodes.Length; j++)
            {
                Assert.False(layout.Nodes[i].Overlaps(layout.Nodes[j]),
                    $"{graph.Nodes[i].Id} {layout.Nodes[i]} overlaps {graph.Nodes[j].Id} {layout.Nodes[j]}");
            }

            FlowNode node = graph.Nodes[i];
            int lane = node.Lane is { } id ? graph.Lanes.IndexOf(graph.Lanes.First(l => l.Id == id)) : layout.Lanes.Length - 1;
            Box band = layout.Lanes[lane];
            Box box = layout.Nodes[i];
            Assert.True(box.X >= band.X && box.Right <= band.Right && box.Y >= band.Y && box.Bottom <= band.Bottom,
                $"{node.Id} {box} is outside its lane {band}");
        }
    }

    [Theory]
    [InlineData("auth/login.flow", "login.svg")]
    [InlineData("auth/2fa-setup.flow", "2fa-setup.svg")]
    public void Seed_flows_match_their_golden_pictures(string flow, string golden)
    {
        string path = Path.Combine(RepoPaths.Flows, flow);
        string actual = SvgRenderer.Render(FlowAnalysis.Analyze(File.ReadAllText(path), path).Graph, Path.GetFileNameWithoutExtension(flow));
        string expectedPath = Path.Combine(GoldenFiles.Folder, "svg", golden);
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"missing {expectedPath}; run with FLOWRUNNER_UPDATE_GOLDEN=1 and review");
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Edges_leave_and_enter_at_their_named_handles_with_an_arrowhead()
    {
        const string text = "A { # A\nn1: circle label:\"Start\"\nn2: rectangle label:\"Work\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(bottom) -> B.n3.handle(top) [label=\"Go\"]\n}\nB { # B\nn3: circle label:\"End\"\n}\n";
        FlowGraph graph = FlowAnalysis.Analyze(text, "h.flow").Graph;
        SvgLayout layout = SvgLayout.Of(graph);
        XElement root = XDocument.Parse(SvgRenderer.Render(graph, "h")).Root!;
        XElement[] edges = [.. root.Elements(Svg + "g").Where(g => Classes(g).Contains("edge"))];

        (int X, int Y)[] first = PathPoints(edges[0]);
        Assert.Equal(layout.Nodes[0].Handle(HandleDirection.Right), first[0]);
        Assert.Equal(layout.Nodes[1].Handle(HandleDirection.Left), first[^1]);
        (int X, int Y)[] second = PathPoints(edges[1]);
        Assert.Equal(layout.Nodes[1].Handle(HandleDirection.Bottom), second[0]);
        Assert.Equal(layout.Nodes[2].Handle(HandleDirection.Top), second[^1]);
        Assert.All(edges, e => Assert.Equal("url(#arrow)", (string?)e.Element(Svg + "path")!.Attribute("marker-end")));
        Assert.Equal("Go", edges[1].Element(Svg + "text")!.Value);

        // Every segment is horizontal or vertical, as FlowZap routes them.
        foreach ((int X, int Y)[] points in new[] { first, second })
        {
            for (int i = 0; i + 1 < points.Length; i++)
            {
                Assert.True(points[i].X == points[i + 1].X || points[i].Y == points[i + 1].Y);
            }
        }
    }

    [Fact]
    public void Lanes_are_rows_with_their_display_labels_and_shapes_are_drawn_as_flowzap_draws_them()
    {
        const string text = "Shop { # Web shop & <co>\nn1: circle label:\"Start\"\nn2: rectangle label:\"Pick\"\nn3: diamond label:\"In stock?\"\nn4: taskbox label:\"Pack|Label|Ship\"\nn5: circle label:\"End\"\n"
            + "n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left) [label=\"Yes\"]\nn3.handle(bottom) -> n5.handle(left) [label=\"No\"]\nn4.handle(right) -> n5.handle(left)\nloop [until packed] n2 n3\n}\n";
        FlowGraph graph = FlowAnalysis.Analyze(text, "s.flow").Graph;
        XElement root = XDocument.Parse(SvgRenderer.Render(graph, "s")).Root!;
        XElement lane = root.Elements(Svg + "g").Single(g => (string?)g.Attribute("data-lane") == "Shop");
        Assert.Equal("Web shop & <co>", string.Concat(lane.Descendants(Svg + "tspan").Select(t => t.Value)));
        XElement Node(string id) => root.Elements(Svg + "g").Single(g => (string?)g.Attribute("data-node") == id);
        Assert.NotNull(Node("n1").Element(Svg + "circle"));
        Assert.NotNull(Node("n2").Element(Svg + "rect"));
        Assert.NotNull(Node("n3").Element(Svg + "polygon"));
        Assert.Equal(["\u2610 Pack", "\u2610 Label", "\u2610 Ship"], Node("n4").Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "sub").Select(t => t.Value));
        XElement loop = root.Elements(Svg + "g").Single(g => Classes(g).Contains("loop"));
        Assert.Equal("loop [until packed]", loop.Element(Svg + "text")!.Value);

        // The loop box surrounds its nodes.
        SvgLayout layout = SvgLayout.Of(graph);
        var box = new Box((int)loop.Element(Svg + "rect")!.Attribute("x")!, (int)loop.Element(Svg + "rect")!.Attribute("y")!,
            (int)loop.Element(Svg + "rect")!.Attribute("width")!, (int)loop.Element(Svg + "rect")!.Attribute("height")!);
        Assert.All(new[] { layout.Nodes[1], layout.Nodes[2] }, n => Assert.True(n.X >= box.X && n.Right <= box.Right && n.Y >= box.Y && n.Bottom <= box.Bottom));
    }

    [Fact]
    public void An_overlay_marks_visits_taken_edges_waits_and_a_fault()
    {
        const string text = "A { # A\nn1: circle label:\"Start\"\nn2: rectangle label:\"Ask\"\nn3: rectangle label:\"Check\"\nn4: circle label:\"End\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left)\n}\n";
        FlowGraph graph = FlowAnalysis.Analyze(text, "o.flow").Graph;
        var overlay = new SvgOverlay(new Dictionary<string, int> { ["n1"] = 1, ["n2"] = 2 }, new HashSet<int> { 0 }, new HashSet<string> { "n2" }, "n3", "waiting");
        XElement root = XDocument.Parse(SvgRenderer.Render(graph, "o", overlay)).Root!;
        XElement Node(string id) => root.Elements(Svg + "g").Single(g => (string?)g.Attribute("data-node") == id);

        Assert.Contains("visited", Classes(Node("n2")));
        Assert.Contains("waiting", Classes(Node("n2")));
        Assert.Equal("2", (string?)Node("n2").Attribute("data-visits"));
        Assert.Equal("2", Node("n2").Elements(Svg + "g").Single().Element(Svg + "text")!.Value);
        Assert.Contains("faulted", Classes(Node("n3")));
        Assert.DoesNotContain("visited", Classes(Node("n4")));
        XElement[] edges = [.. root.Elements(Svg + "g").Where(g => Classes(g).Contains("edge"))];
        Assert.Contains("taken", Classes(edges[0]));
        Assert.DoesNotContain("taken", Classes(edges[1]));
        Assert.Equal("o (waiting)", root.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void The_same_model_always_gives_the_same_bytes()
    {
        string path = Path.Combine(RepoPaths.Flows, "auth", "login.flow");
        string text = File.ReadAllText(path);
        Assert.Equal(SvgRenderer.Render(FlowAnalysis.Analyze(text, path).Graph, "x"), SvgRenderer.Render(FlowAnalysis.Analyze(text, path).Graph, "x"));
    }

    private static string[] Classes(XElement element) => ((string?)element.Attribute("class") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static (int X, int Y)[] PathPoints(XElement edge) =>
        [.. ((string)edge.Element(Svg + "path")!.Attribute("d")!).Split(['M', 'L'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];
}
