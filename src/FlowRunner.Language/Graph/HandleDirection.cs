namespace FlowRunner.Language.Graph;

/// <summary>The side of a node an edge leaves or enters. Handles carry layout only, never execution meaning.</summary>
public enum HandleDirection
{
    /// <summary>The left side.</summary>
    Left,

    /// <summary>The right side.</summary>
    Right,

    /// <summary>The top side.</summary>
    Top,

    /// <summary>The bottom side.</summary>
    Bottom,
}
