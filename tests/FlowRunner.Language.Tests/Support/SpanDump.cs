using System.Globalization;
using System.Text;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Tests.Support;

/// <summary>One line per tree node: <c>kind name (line,col) start-length</c> (Markdig TestSourcePosition).</summary>
public static class SpanDump
{
    public static string Dump(FlowDocument document)
    {
        var builder = new StringBuilder();
        foreach (StatementSyntax statement in document.Statements)
        {
            Write(builder, document.Source, statement, 0);
            if (statement is LaneSyntax lane)
            {
                foreach (StatementSyntax member in lane.Members)
                {
                    Write(builder, document.Source, member, 1);
                }
            }
        }

        return builder.ToString();
    }

    private static void Write(StringBuilder builder, SourceText source, StatementSyntax statement, int depth)
    {
        if (statement is BlankLineSyntax)
        {
            return;
        }

        string name = statement switch
        {
            LaneSyntax lane => "lane " + lane.Id.Text + (lane.DisplayLabel is { } l ? $" label \"{l.Text}\" {Position(source, l.Span)}" : string.Empty),
            NodeSyntax node => $"node {node.Id.Text} shape {node.Shape.Text} {Position(source, node.Shape.Span)}"
                + string.Concat(node.Attributes.Select(a => $" {a.Key.Text}{a.Separator}{Position(source, a.Span)}")),
            EdgeSyntax edge => "edge " + string.Join(" -> ", edge.Path.Select(e => $"{e.Node.Text}{Position(source, e.Span)}"))
                + (edge.Label is { } label ? $" label {Position(source, label.Span)}" : string.Empty),
            LoopSyntax loop => $"loop \"{loop.Condition}\" " + string.Join(' ', loop.Nodes.Select(n => n.Text)),
            CommentSyntax comment => "comment " + comment.Kind,
            _ => statement.GetType().Name,
        };
        builder.Append(' ', depth * 2).Append(name).Append(' ').Append(Position(source, statement.Span));
        if (statement.TrailingComment is { } trailing)
        {
            builder.Append(" trailing ").Append(trailing.Kind).Append(' ').Append(Position(source, trailing.Span));
        }

        builder.Append('\n');
    }

    private static string Position(SourceText source, TextSpan span)
    {
        LinePosition start = source.GetLinePosition(span.Start);
        return string.Create(CultureInfo.InvariantCulture, $"({start.Line + 1},{start.Character + 1}){span.Start}-{span.Length}");
    }
}
