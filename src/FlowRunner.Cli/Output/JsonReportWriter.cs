using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Output;

/// <summary>
/// <c>{"files":[{"path","diagnostics":[{"id","severity","message","line","column","endLine","endColumn","hint"}]}],"errors","warnings"}</c>;
/// lines and columns are 1-based and <c>endColumn</c> is exclusive, as in SARIF.
/// </summary>
internal static class JsonReportWriter
{
    public static void Write(DiagnosticReport report, TextWriter writer)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("files");
            foreach ((string path, SourceText source, ImmutableArray<Diagnostic> diagnostics) in report.Files)
            {
                json.WriteStartObject();
                json.WriteString("path", path);
                json.WriteStartArray("diagnostics");
                foreach (Diagnostic diagnostic in diagnostics)
                {
                    WriteDiagnostic(json, diagnostic, source);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("errors", report.Errors);
            json.WriteNumber("warnings", report.Warnings);
            json.WriteNumber("infos", report.Infos);
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteDiagnostic(Utf8JsonWriter json, Diagnostic diagnostic, SourceText source)
    {
        DiagnosticRegion region = DiagnosticRegion.Of(diagnostic, source);
        json.WriteStartObject();
        json.WriteString("id", diagnostic.Id);
        json.WriteString("severity", DiagnosticFormatter.SeverityName(diagnostic.Severity));
        json.WriteString("message", diagnostic.Message);
        json.WriteNumber("line", region.Line);
        json.WriteNumber("column", region.Column);
        json.WriteNumber("endLine", region.EndLine);
        json.WriteNumber("endColumn", region.EndColumn);
        if (diagnostic.Hint is null)
        {
            json.WriteNull("hint");
        }
        else
        {
            json.WriteString("hint", diagnostic.Hint);
        }

        json.WriteEndObject();
    }
}
