using System.Globalization;
using System.Xml.Linq;

namespace FlowRunner.Language.Tests.Support;

/// <summary>
/// Reads a rendered SVG back as geometry (node boxes, edge polylines, label boxes: the renderer's own output, not its
/// layout) and finds what makes a picture read wrong: edges through nodes other than their ends, edges running on
/// top of unrelated edges, labels on nodes, on other edges or on other labels, and crossings.
/// </summary>
internal sealed class SvgGeometry
{
    private const int Tolerance = 4; // pixels: overlaps shorter than this are a touch, not a shared line
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private SvgGeometry(List<Shape> nodes, List<Line> edges, List<Rect> loops)
    {
        Nodes = nodes;
        Edges = edges;
        Loops = loops;
    }

    /// <summary>The dashed boxes of <c>loop</c> regions.</summary>
    public List<Rect> Loops { get; }

    public List<Shape> Nodes { get; }

    public List<Line> Edges { get; }

    public static SvgGeometry Read(string svg)
    {
        XElement root = XDocument.Parse(svg).Root!;
        var nodes = new List<Shape>();
        var edges = new List<Line>();
        var loops = new List<Rect>();
        foreach (XElement group in root.Elements(Svg + "g"))
        {
            string classes = (string?)group.Attribute("class") ?? string.Empty;
            if (classes.Split(' ').Contains("loop") && group.Element(Svg + "rect") is { } region)
            {
                loops.Add(new Rect(Number((string)region.Attribute("x")!), Number((string)region.Attribute("y")!), Number((string)region.Attribute("width")!), Number((string)region.Attribute("height")!)));
            }
            else if (classes.Split(' ').Contains("node"))
            {
                nodes.Add(new Shape((string)group.Attribute("data-node")!, ShapeBox(group), LabelBox(group)));
            }
            else if (classes.Split(' ').Contains("edge"))
            {
                string d = (string)group.Element(Svg + "path")!.Attribute("d")!;
                (double X, double Y)[] points = [.. d.Split(['M', 'L'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split(',')).Select(p => (Number(p[0]), Number(p[1])))];
                XElement? bg = group.Elements(Svg + "rect").FirstOrDefault(r => (string?)r.Attribute("class") == "label-bg");
                Rect? label = bg is null ? null : new Rect(Number((string)bg.Attribute("x")!), Number((string)bg.Attribute("y")!), Number((string)bg.Attribute("width")!), Number((string)bg.Attribute("height")!));
                edges.Add(new Line((string)group.Attribute("data-from")!, (string)group.Attribute("data-to")!, points, label));
            }
        }

        return new SvgGeometry(nodes, edges, loops);
    }

    /// <summary>Every defect, one line each, and the crossing count.</summary>
    public (List<string> Defects, int Crossings) Check()
    {
        var defects = new List<string>();
        foreach (Line edge in Edges)
        {
            foreach (Shape node in Nodes.Where(n => n.Id != edge.From && n.Id != edge.To))
            {
                if (edge.Segments.Any(s => s.Crosses(node.Box.Shrink(1))))
                {
                    defects.Add($"edge {edge.Name} runs through node {node.Id}");
                }
            }

            // A loop's dashed border: an edge drawn along it reads as part of the box.
            foreach (Rect loop in Loops)
            {
                if (edge.Segments.Any(s => Border(loop).Any(b => s.CollinearOverlap(b) > Tolerance)))
                {
                    defects.Add($"edge {edge.Name} runs along a loop's border");
                }
            }

            // A circle's label, its own edges included: an edge drawn through the words hides them.
            foreach (Shape node in Nodes.Where(n => n.Label is not null && edge.Segments.Any(s => s.Crosses(n.Label.Value.Shrink(1)))))
            {
                defects.Add($"edge {edge.Name} runs through the label of {node.Id}");
            }
        }

        int crossings = 0;
        for (int i = 0; i < Edges.Count; i++)
        {
            for (int j = i + 1; j < Edges.Count; j++)
            {
                Line a = Edges[i];
                Line b = Edges[j];
                bool related = a.From == b.From || a.From == b.To || a.To == b.From || a.To == b.To;
                foreach (Segment s in a.Segments)
                {
                    foreach (Segment t in b.Segments)
                    {
                        if (!related && s.CollinearOverlap(t) > Tolerance)
                        {
                            defects.Add($"edges {a.Name} and {b.Name} share a line");
                        }
                        else if (s.CrossesPerpendicular(t))
                        {
                            crossings++;
                        }
                    }
                }
            }
        }

        var labels = Edges.Where(e => e.Label is not null).ToList();
        foreach (Line edge in labels)
        {
            Rect label = edge.Label!.Value.Shrink(1);
            if (!edge.Segments.Any(s => s.Crosses(label)))
            {
                defects.Add($"label of {edge.Name} is not on its edge");
            }

            foreach (Shape node in Nodes.Where(n => n.Box.Overlaps(label) || n.Label?.Overlaps(label) == true))
            {
                defects.Add($"label of {edge.Name} lies on node {node.Id}");
            }

            foreach (Line other in Edges.Where(o => o != edge && o.Segments.Any(s => s.Crosses(label))))
            {
                defects.Add($"label of {edge.Name} lies on edge {other.Name}");
            }

            if (Loops.Any(loop => Border(loop).Any(b => b.Crosses(label))))
            {
                defects.Add($"label of {edge.Name} lies on a loop's border");
            }

            foreach (Line other in labels.Where(o => o != edge && o.Label!.Value.Overlaps(label)))
            {
                defects.Add($"label of {edge.Name} lies on the label of {other.Name}");
            }
        }

        return (defects, crossings);
    }

    private static Segment[] Border(Rect box) =>
    [
        new(box.X, box.Y, box.Right, box.Y), new(box.Right, box.Y, box.Right, box.Bottom),
        new(box.X, box.Bottom, box.Right, box.Bottom), new(box.X, box.Y, box.X, box.Bottom),
    ];

    private static Rect ShapeBox(XElement node)
    {
        if (node.Element(Svg + "circle") is { } circle && (string?)circle.Attribute("class") == "shape")
        {
            double r = Number((string)circle.Attribute("r")!);
            return new Rect(Number((string)circle.Attribute("cx")!) - r, Number((string)circle.Attribute("cy")!) - r, 2 * r, 2 * r);
        }

        if (node.Element(Svg + "polygon") is { } polygon)
        {
            (double X, double Y)[] points = [.. ((string)polygon.Attribute("points")!).Split(' ').Select(p => p.Split(',')).Select(p => (Number(p[0]), Number(p[1])))];
            double left = points.Min(p => p.X), top = points.Min(p => p.Y);
            return new Rect(left, top, points.Max(p => p.X) - left, points.Max(p => p.Y) - top);
        }

        XElement rect = node.Elements(Svg + "rect").First(r => ((string?)r.Attribute("class"))?.Contains("shape", StringComparison.Ordinal) == true);
        return new Rect(Number((string)rect.Attribute("x")!), Number((string)rect.Attribute("y")!), Number((string)rect.Attribute("width")!), Number((string)rect.Attribute("height")!));
    }

    // A circle's label is written next to it: the lines of its text from the first baseline and its anchor, 7 px a character, 16 px a line.
    private static Rect? LabelBox(XElement node)
    {
        if (node.Element(Svg + "circle") is null || node.Element(Svg + "text") is not { } text)
        {
            return null;
        }

        string[] lines = [.. text.Elements(Svg + "tspan").Select(t => t.Value)];
        double width = lines.Max(l => l.Length) * 7.0;
        double x = Number((string)text.Attribute("x")!);
        double y = Number((string)text.Attribute("y")!);
        double left = (string?)text.Attribute("text-anchor") switch { "end" => x - width, "start" => x, _ => x - (width / 2) };
        return new Rect(left, y - 12, width, lines.Length * 16);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    internal readonly record struct Rect(double X, double Y, double Width, double Height)
    {
        public double Right => X + Width;

        public double Bottom => Y + Height;

        public bool Overlaps(Rect other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

        public Rect Shrink(double by) => new(X + by, Y + by, Math.Max(0, Width - (2 * by)), Math.Max(0, Height - (2 * by)));
    }

    internal sealed record Shape(string Id, Rect Box, Rect? Label);

    internal sealed record Line(string From, string To, (double X, double Y)[] Points, Rect? Label)
    {
        public string Name => $"{From}->{To}";

        public IEnumerable<Segment> Segments => Points.Zip(Points.Skip(1), (a, b) => new Segment(a.X, a.Y, b.X, b.Y));
    }

    internal readonly record struct Segment(double X1, double Y1, double X2, double Y2)
    {
        private bool Horizontal => Y1 == Y2;

        private bool Vertical => X1 == X2;

        /// <summary>True when the segment has a point strictly inside the rectangle.</summary>
        public bool Crosses(Rect box)
        {
            double left = Math.Min(X1, X2), right = Math.Max(X1, X2), top = Math.Min(Y1, Y2), bottom = Math.Max(Y1, Y2);
            return left < box.Right && right > box.X && top < box.Bottom && bottom > box.Y;
        }

        /// <summary>The length two collinear segments share (0 when they are not on one line).</summary>
        public double CollinearOverlap(Segment other)
        {
            if (Horizontal && other.Horizontal && Y1 == other.Y1)
            {
                return Math.Min(Math.Max(X1, X2), Math.Max(other.X1, other.X2)) - Math.Max(Math.Min(X1, X2), Math.Min(other.X1, other.X2));
            }

            if (Vertical && other.Vertical && X1 == other.X1)
            {
                return Math.Min(Math.Max(Y1, Y2), Math.Max(other.Y1, other.Y2)) - Math.Max(Math.Min(Y1, Y2), Math.Min(other.Y1, other.Y2));
            }

            return 0;
        }

        /// <summary>True when a horizontal and a vertical segment cross at a point inside both.</summary>
        public bool CrossesPerpendicular(Segment other)
        {
            (Segment h, Segment v) = Horizontal && other.Vertical ? (this, other) : Vertical && other.Horizontal ? (other, this) : (default, default);
            if (h == default && v == default)
            {
                return false;
            }

            return v.X1 > Math.Min(h.X1, h.X2) && v.X1 < Math.Max(h.X1, h.X2) && h.Y1 > Math.Min(v.Y1, v.Y2) && h.Y1 < Math.Max(v.Y1, v.Y2);
        }
    }
}
