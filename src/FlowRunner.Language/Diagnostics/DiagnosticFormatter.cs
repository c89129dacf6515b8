using System.Globalization;
using System.Text;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Diagnostics;

/// <summary>
/// Renders diagnostics as compilers do: <c>path(line,col): error FZ0003: message</c>, then the source line
/// with a caret under the span, then the hint. Lines and columns are 1-based.
/// </summary>
public static class DiagnosticFormatter
{
    /// <summary>The lower-case word for a severity.</summary>
    public static string SeverityName(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    /// <summary>The one-line header, e.g. <c>a.flow(3,5): error FZ0003: unknown shape 'rect'</c>.</summary>
    public static string Header(Diagnostic diagnostic, SourceText source, string? displayPath = null)
    {
        LinePosition start = source.GetLinePosition(diagnostic.Location.Start);
        return string.Create(CultureInfo.InvariantCulture,
            $"{displayPath ?? diagnostic.Location.Path}({start.Line + 1},{start.Character + 1}): {SeverityName(diagnostic.Severity)} {diagnostic.Id}: {diagnostic.Message}");
    }

    /// <summary>The header, the source line with carets, and the hint.</summary>
    public static string Format(Diagnostic diagnostic, SourceText source, string? displayPath = null)
    {
        var builder = new StringBuilder();
        builder.Append(Header(diagnostic, source, displayPath)).Append('\n');
        if (source.Text.Length > 0)
        {
            LinePosition start = source.GetLinePosition(diagnostic.Location.Start);
            TextSpan line = source.GetLineSpan(start.Line);
            string lineText = source.ToString(line);
            string number = (start.Line + 1).ToString(CultureInfo.InvariantCulture);
            string gutter = new(' ', number.Length);
            int column = Math.Min(start.Character, lineText.Length);
            int width = Math.Max(1, Math.Min(diagnostic.Location.Length, lineText.Length - column));
            builder.Append(' ').Append(number).Append(" | ").Append(Printable(lineText)).Append('\n');
            builder.Append(' ').Append(gutter).Append(" | ");
            foreach (char c in lineText.AsSpan(0, column))
            {
                builder.Append(c == '\t' ? '\t' : ' ');
            }

            builder.Append('^', width).Append('\n');
            if (diagnostic.Hint is { Length: > 0 } hint)
            {
                builder.Append(' ').Append(gutter).Append(" = hint: ").Append(hint).Append('\n');
            }
        }
        else if (diagnostic.Hint is { Length: > 0 } hint)
        {
            builder.Append("  = hint: ").Append(hint).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>"2 errors, 1 warning" style counts.</summary>
    public static string Summary(int errors, int warnings, int infos, int files)
    {
        static string Plural(int n, string word) => string.Create(CultureInfo.InvariantCulture, $"{n} {word}{(n == 1 ? string.Empty : "s")}");
        string summary = $"{Plural(errors, "error")}, {Plural(warnings, "warning")}";
        if (infos > 0)
        {
            summary += ", " + Plural(infos, "info");
        }

        return summary + " in " + Plural(files, "file");
    }

    // Control characters would move the caret or corrupt a terminal; show them as a visible mark.
    private static string Printable(string line)
    {
        if (!line.Any(c => char.IsControl(c) && c != '\t'))
        {
            return line;
        }

        return string.Concat(line.Select(c => char.IsControl(c) && c != '\t' ? '\u2400' : c));
    }
}
