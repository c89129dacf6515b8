using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Language.Diagnostics;

namespace FlowRunner.Language.Configuration;

/// <summary>
/// Per-rule severities from a <c>flowrunner.json</c> beside the flows:
/// <c>{ "diagnostics": { "FZ3011": "none", "FZ1013": "error" } }</c>. The nearest file found from a flow's
/// folder upwards applies to it.
/// </summary>
public sealed class LintConfiguration
{
    /// <summary>The configuration file's name.</summary>
    public const string FileName = "flowrunner.json";

    /// <summary>The largest configuration file read.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>No overrides.</summary>
    public static readonly LintConfiguration Default = new(null, ImmutableDictionary<string, DiagnosticSeverity?>.Empty);

    private LintConfiguration(string? path, ImmutableDictionary<string, DiagnosticSeverity?> severities)
    {
        Path = path;
        Severities = severities;
    }

    /// <summary>The file this came from, or null for the default.</summary>
    public string? Path { get; }

    /// <summary>Severity per diagnostic id; null means the diagnostic is turned off.</summary>
    public ImmutableDictionary<string, DiagnosticSeverity?> Severities { get; }

    /// <summary>Applies the overrides: changes severities and drops what is turned off.</summary>
    public ImmutableArray<Diagnostic> Apply(ImmutableArray<Diagnostic> diagnostics)
    {
        if (Severities.IsEmpty)
        {
            return diagnostics;
        }

        var result = ImmutableArray.CreateBuilder<Diagnostic>(diagnostics.Length);
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (!Severities.TryGetValue(diagnostic.Id, out DiagnosticSeverity? severity))
            {
                result.Add(diagnostic);
            }
            else if (severity is { } s)
            {
                result.Add(diagnostic with { Severity = s });
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Finds the nearest configuration from <paramref name="directory"/> upwards; the default when there is none.</summary>
    /// <exception cref="ConfigurationException">The file exists but is invalid.</exception>
    public static LintConfiguration FindFor(string directory)
    {
        for (DirectoryInfo? dir = new(System.IO.Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return Load(candidate);
            }
        }

        return Default;
    }

    /// <summary>Reads a configuration file.</summary>
    /// <exception cref="ConfigurationException">The file is unreadable, too large, not JSON, or names an unknown id or severity.</exception>
    public static LintConfiguration Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
            {
                throw new ConfigurationException(path, $"the file is larger than {MaxBytes} bytes");
            }

            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new ConfigurationException(path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ConfigurationException(path, e.Message);
        }

        return Parse(text, path);
    }

    /// <summary>Parses configuration text.</summary>
    /// <exception cref="ConfigurationException">The text is not valid configuration.</exception>
    public static LintConfiguration Parse(string text, string path)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ConfigurationException(path, $"not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException(path, "the file must hold a JSON object");
            }

            if (!json.RootElement.TryGetProperty("diagnostics", out JsonElement section))
            {
                return new LintConfiguration(path, ImmutableDictionary<string, DiagnosticSeverity?>.Empty);
            }

            if (section.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException(path, "\"diagnostics\" must be an object such as { \"FZ3011\": \"none\" }");
            }

            ImmutableDictionary<string, DiagnosticSeverity?>.Builder severities = ImmutableDictionary.CreateBuilder<string, DiagnosticSeverity?>(StringComparer.Ordinal);
            foreach (JsonProperty property in section.EnumerateObject())
            {
                DiagnosticDescriptor descriptor = Descriptors.Find(property.Name)
                    ?? throw new ConfigurationException(path, $"unknown diagnostic id '{property.Name}' in \"diagnostics\"");
                if (!descriptor.IsConfigurable)
                {
                    throw new ConfigurationException(path, $"{descriptor.Id} ({descriptor.Title}) is an error that stops compilation and cannot be changed");
                }

                string? value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                severities[descriptor.Id] = value?.ToUpperInvariant() switch
                {
                    "ERROR" => DiagnosticSeverity.Error,
                    "WARNING" or "WARN" => DiagnosticSeverity.Warning,
                    "INFO" or "SUGGESTION" => DiagnosticSeverity.Info,
                    "NONE" or "OFF" => null,
                    _ => throw new ConfigurationException(path,
                        $"severity of {descriptor.Id} must be \"error\", \"warning\", \"info\" or \"none\", not {property.Value.GetRawText()}"),
                };
            }

            return new LintConfiguration(path, severities.ToImmutable());
        }
    }
}
