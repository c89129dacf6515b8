namespace FlowRunner.Language.Parsing;

/// <summary>Fix hints for lines that are no statement, from the mistakes FlowZap documents (reference §10).</summary>
internal static class SyntaxHints
{
    private static readonly string[] MermaidWords = ["graph", "flowchart", "sequenceDiagram", "participant", "subgraph", "classDef", "style"];

    public static string For(string line, string unexpected)
    {
        string trimmed = line.Trim();
        if (trimmed.Contains("-->", StringComparison.Ordinal) || trimmed.Contains("->>", StringComparison.Ordinal)
            || MermaidWords.Any(w => trimmed.StartsWith(w + " ", StringComparison.Ordinal) || trimmed == w))
        {
            return "this looks like Mermaid; FlowZap Code writes edges as 'n1.handle(right) -> n2.handle(left)'";
        }

        if (trimmed.Contains("=>", StringComparison.Ordinal))
        {
            return "edges use '->', not '=>'";
        }

        if (unexpected == "'''" || trimmed.Contains(":'", StringComparison.Ordinal) || trimmed.Contains("='", StringComparison.Ordinal))
        {
            return "strings use double quotes: label:\"Text\"";
        }

        if (unexpected.StartsWith('\'') && trimmed.Contains("label", StringComparison.Ordinal) && !trimmed.Contains('"', StringComparison.Ordinal))
        {
            return "attribute values are quoted: label:\"Text\"";
        }

        if (unexpected == "';'")
        {
            return "FlowZap Code has no ';': write one statement per line";
        }

        return "a line is a lane header 'Id { # Label', a node 'n1: rectangle label:\"Text\"', "
            + "an edge 'n1.handle(right) -> n2.handle(left)', a loop 'loop [text] n1 n2', a comment or '}'";
    }
}
