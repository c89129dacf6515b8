namespace FlowRunner.Language.Graph;

/// <summary>The four FlowZap shapes; <see cref="Unknown"/> for a misspelt one (reported as FZ0003).</summary>
public enum NodeShape
{
    /// <summary>Start, end or milestone.</summary>
    Circle,

    /// <summary>An activity.</summary>
    Rectangle,

    /// <summary>A decision.</summary>
    Diamond,

    /// <summary>An activity with sub-items or owner/system metadata.</summary>
    Taskbox,

    /// <summary>A shape FlowZap does not know.</summary>
    Unknown,
}
