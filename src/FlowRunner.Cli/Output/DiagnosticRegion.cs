using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Output;

/// <summary>A diagnostic's 1-based region; <see cref="EndColumn"/> is exclusive, as SARIF defines it.</summary>
internal readonly record struct DiagnosticRegion(int Line, int Column, int EndLine, int EndColumn)
{
    public static DiagnosticRegion Of(Diagnostic diagnostic, SourceText source)
    {
        LinePosition start = source.GetLinePosition(diagnostic.Location.Start);
        LinePosition end = source.GetLinePosition(diagnostic.Location.Start + diagnostic.Location.Length);
        return new DiagnosticRegion(start.Line + 1, start.Character + 1, end.Line + 1, end.Character + 1);
    }
}
