using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli.Output;

/// <summary>
/// SARIF 2.1.0 as code-scanning services read it: one run; every rule in the driver with its description, help and a
/// link into docs/diagnostics.md; relative paths resolved against <c>%SRCROOT%</c> (the working directory), absolute
/// ones as <c>file://</c> URIs.
/// </summary>
internal static class SarifReportWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    private const string SourceRoot = "%SRCROOT%";

    public static void Write(DiagnosticReport report, TextWriter writer)
    {
        var rules = Descriptors.All;
        var ruleIndex = rules.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "flowrunner");
            json.WriteString("informationUri", "https://github.com/flowrunner/flowrunner");
            json.WriteString("semanticVersion", typeof(SarifReportWriter).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
            json.WriteStartArray("rules");
            foreach (DiagnosticDescriptor rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteString("name", string.Concat(rule.Title.Split(' ', '-').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..])));
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title);
                json.WriteEndObject();
                json.WriteStartObject("fullDescription");
                json.WriteString("text", rule.Description);
                json.WriteEndObject();
                json.WriteString("helpUri", rule.HelpUri.AbsoluteUri);
                json.WriteStartObject("help");
                json.WriteString("text", rule.Help);
                json.WriteString("markdown", $"{rule.Help} See [{rule.Id}]({rule.HelpUri.AbsoluteUri}).");
                json.WriteEndObject();
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", Level(rule.DefaultSeverity));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("originalUriBaseIds");
            json.WriteStartObject(SourceRoot);
            json.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(Environment.CurrentDirectory) + "/").AbsoluteUri);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteString("columnKind", "utf16CodeUnits");
            json.WriteStartArray("results");
            foreach ((string path, SourceText source, ImmutableArray<Diagnostic> diagnostics) in report.Files)
            {
                foreach (Diagnostic diagnostic in diagnostics)
                {
                    WriteResult(json, diagnostic, source, path, ruleIndex[diagnostic.Id]);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteResult(Utf8JsonWriter json, Diagnostic diagnostic, SourceText source, string path, int index)
    {
        DiagnosticRegion region = DiagnosticRegion.Of(diagnostic, source);
        json.WriteStartObject();
        json.WriteString("ruleId", diagnostic.Id);
        json.WriteNumber("ruleIndex", index);
        json.WriteString("level", Level(diagnostic.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", diagnostic.Hint is null ? diagnostic.Message : $"{diagnostic.Message}. Fix: {diagnostic.Hint}");
        json.WriteEndObject();
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        if (Path.IsPathFullyQualified(path))
        {
            json.WriteString("uri", new Uri(path).AbsoluteUri);
        }
        else
        {
            json.WriteString("uri", RelativeUri(path));
            json.WriteString("uriBaseId", SourceRoot);
        }

        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", region.Line);
        json.WriteNumber("startColumn", region.Column);
        json.WriteNumber("endLine", region.EndLine);
        json.WriteNumber("endColumn", region.EndColumn);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    // A relative URI reference: forward slashes, percent-encoded.
    private static string RelativeUri(string path) =>
        string.Join('/', path.Replace('\\', '/').Split('/').Select(System.Uri.EscapeDataString));
}
