namespace FlowRunner.Language.Text;

/// <summary>A span in a named file; line and column are computed through <see cref="SourceText"/>.</summary>
public readonly record struct SourceSpan(string Path, int Start, int Length)
{
    /// <summary>The span without its path.</summary>
    public TextSpan Span => new(Start, Length);
}
