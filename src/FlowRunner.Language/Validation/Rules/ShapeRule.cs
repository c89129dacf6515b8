using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Model;
using FlowRunner.Language.Syntax;

namespace FlowRunner.Language.Validation.Rules;

/// <summary>FZ0003: only four shapes exist (reference §3 "Shapes"; <c>rect</c> is invalid).</summary>
internal sealed class ShapeRule : IFlowRule
{
    private static readonly string[] Shapes = ["circle", "rectangle", "diamond", "taskbox"];

    public void Visit(RuleContext context, StatementSyntax statement, LaneSyntax? lane)
    {
        if (statement is NodeSyntax node && FlowModelBuilder.ParseShape(node.Shape.Text) == NodeShape.Unknown)
        {
            string? closest = node.Shape.Text == "rect" ? "rectangle" : Suggestions.Closest(node.Shape.Text, Shapes);
            context.Report(Descriptors.UnknownShape, node.Shape.Span, "shapes are circle, rectangle, diamond and taskbox",
                node.Shape.Text, closest is null ? string.Empty : $": did you mean '{closest}'?");
        }
    }
}
