using FlowRunner.Language.Binding;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Checking.Rules;

/// <summary>FZ0003: only four shapes exist (reference §3 "Shapes"; <c>rect</c> is invalid).</summary>
internal sealed class ShapeRule : StatementRule
{
    private static readonly string[] Shapes = ["circle", "rectangle", "diamond", "taskbox"];

    protected override void Check(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is NodeSyntax node && SyntaxFacts.Shape(node.Shape.Text) == NodeShape.Unknown)
        {
            string? closest = node.Shape.Text == "rect" ? "rectangle" : Suggestions.Closest(node.Shape.Text, Shapes);
            context.Report(Descriptors.UnknownShape, node.Shape.Span, "shapes are circle, rectangle, diamond and taskbox",
                node.Shape.Text, closest is null ? string.Empty : $": did you mean '{closest}'?");
        }
    }
}
