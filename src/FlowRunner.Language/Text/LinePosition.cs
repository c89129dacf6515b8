namespace FlowRunner.Language.Text;

/// <summary>A 0-based line and character position; add one to each when showing it to a user.</summary>
public readonly record struct LinePosition(int Line, int Character);
