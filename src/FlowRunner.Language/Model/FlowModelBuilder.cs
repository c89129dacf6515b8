using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Model;

/// <summary>Resolves a tree into a <see cref="FlowModel"/>. Reports nothing: the validator's rules do.</summary>
public static class FlowModelBuilder
{
    /// <summary>Builds the model of a document.</summary>
    public static FlowModel Build(FlowDocument document)
    {
        var builder = new ModelBuilder(CountStatements(document));
        foreach (StatementSyntax statement in document.Statements)
        {
            if (statement is LaneSyntax lane)
            {
                builder.AddLane(lane);
                foreach (StatementSyntax member in lane.Members)
                {
                    builder.Add(member, lane.Id.Text);
                }
            }
            else
            {
                builder.Add(statement, null);
            }
        }

        return builder.Finish();
    }

    private static int CountStatements(FlowDocument document)
    {
        int count = document.Statements.Length;
        foreach (StatementSyntax statement in document.Statements)
        {
            if (statement is LaneSyntax lane)
            {
                count += lane.Members.Length;
            }
        }

        return count;
    }

    /// <summary>The shape named by a word; shapes are lower case as FlowZap writes them.</summary>
    public static NodeShape ParseShape(string text) => text switch
    {
        "circle" => NodeShape.Circle,
        "rectangle" => NodeShape.Rectangle,
        "diamond" => NodeShape.Diamond,
        "taskbox" => NodeShape.Taskbox,
        _ => NodeShape.Unknown,
    };

    /// <summary>The direction of a handle (any case), or null when absent or invalid.</summary>
    public static HandleDirection? ParseDirection(HandleSyntax? handle)
    {
        string? text = handle?.Direction.Text;
        return text is null ? null
            : text.Equals("right", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Right
            : text.Equals("left", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Left
            : text.Equals("bottom", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Bottom
            : text.Equals("top", StringComparison.OrdinalIgnoreCase) ? HandleDirection.Top
            : null;
    }

}
