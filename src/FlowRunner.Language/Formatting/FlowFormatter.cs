using System.Text;
using FlowRunner.Language.Binding;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Formatting;

/// <summary>
/// Rewrites a file in the official layout (the flowzap-xyz/code README's): lanes <c>Id { # Label</c> with their
/// statements indented by two spaces and one blank line between lanes; single spaces; <c>key:"value"</c> on
/// nodes, <c>[label="..."]</c> on edges; lower-case handles. Statement order, comments and single blank
/// lines are kept. Idempotent. Refuses files with syntax errors, because their bad lines are not in the tree.
/// </summary>
public static class FlowFormatter
{
    private const string Indent = "  ";

    /// <summary>Formats a parse result; null when it has syntax errors (nothing can be formatted without losing text).</summary>
    public static string? Format(ParseResult parse)
    {
        if (parse.HasErrors)
        {
            return null;
        }

        string newLine = parse.Document.Source.PreferredNewLine;
        var lines = new List<string>();
        StatementSyntax? previous = null;
        foreach (StatementSyntax statement in parse.Document.Statements)
        {
            if (statement is BlankLineSyntax)
            {
                AddBlank(lines);
                continue;
            }

            if (statement is LaneSyntax || previous is LaneSyntax)
            {
                AddBlank(lines);
            }

            if (statement is LaneSyntax lane)
            {
                WriteLane(lane, lines);
            }
            else
            {
                lines.Add(Line(statement));
            }

            previous = statement;
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var builder = new StringBuilder();
        foreach (string line in lines)
        {
            builder.Append(line).Append(newLine);
        }

        return builder.ToString();
    }

    private static void AddBlank(List<string> lines)
    {
        if (lines.Count > 0 && lines[^1].Length > 0)
        {
            lines.Add(string.Empty);
        }
    }

    private static void WriteLane(LaneSyntax lane, List<string> lines)
    {
        string header = lane.Id.Text + " {";
        if (lane.DisplayLabel is { } label)
        {
            header += label.Text.Length > 0 ? " # " + label.Text : " #";
        }

        lines.Add(header);
        int firstMember = lines.Count;
        foreach (StatementSyntax member in lane.Members)
        {
            if (member is BlankLineSyntax)
            {
                if (lines.Count > firstMember)
                {
                    AddBlank(lines);
                }

                continue;
            }

            lines.Add(Indent + Line(member));
        }

        while (lines.Count > firstMember && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        lines.Add("}");
    }

    private static string Line(StatementSyntax statement)
    {
        string text = statement switch
        {
            NodeSyntax node => Node(node),
            EdgeSyntax edge => Edge(edge),
            LoopSyntax loop => $"loop [{loop.Condition}]" + string.Concat(loop.Nodes.Select(n => " " + n.Text)),
            CommentSyntax comment => Comment(comment),
            _ => throw new InvalidOperationException($"Unexpected statement {statement.GetType().Name}."),
        };
        return statement.TrailingComment is { } trailing ? text + " " + Comment(trailing) : text;
    }

    private static string Comment(CommentSyntax comment) =>
        (comment.Kind == CommentKind.Slash ? "//" : "#") + comment.Text.TrimEnd();

    private static string Node(NodeSyntax node)
    {
        var builder = new StringBuilder(node.Id.Text).Append(": ").Append(node.Shape.Text);
        foreach (AttributeSyntax attribute in node.Attributes)
        {
            builder.Append(' ').Append(attribute.Key.Text).Append(':').Append(Quote(attribute.Value.Value));
        }

        return builder.ToString();
    }

    private static string Edge(EdgeSyntax edge)
    {
        string text = string.Join(" -> ", edge.Path.Select(Endpoint));
        return edge.Label is { } label ? $"{text} [{label.Key.Text}={Quote(label.Value.Value)}]" : text;
    }

    private static string Endpoint(EndpointSyntax endpoint)
    {
        string text = endpoint.Lane is { } lane ? lane.Text + "." + endpoint.Node.Text : endpoint.Node.Text;
        if (endpoint.Handle is { } handle)
        {
            string direction = SyntaxFacts.Direction(handle) is { } d
                ? d.ToString().ToLowerInvariant()
                : handle.Direction.Text;
            text += $".{handle.Keyword.Text}({direction})";
        }

        return text;
    }

    // Escapes only where the parser would otherwise misread: a quote, and a backslash before a quote,
    // a backslash or the closing quote. Other backslashes stay as written.
    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '"')
            {
                builder.Append("\\\"");
            }
            else if (c == '\\' && (i + 1 == value.Length || value[i + 1] == '"' || value[i + 1] == '\\'))
            {
                builder.Append("\\\\");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
