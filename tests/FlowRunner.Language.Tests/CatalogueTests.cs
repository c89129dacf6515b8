using System.Globalization;
using System.Text;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>
/// docs/diagnostics.md holds, below its generated marker, exactly what the descriptors say: a table, then one section per
/// rule (its anchor is the rule's help link in SARIF). <c>FLOWRUNNER_UPDATE_GOLDEN=1</c> rewrites that part.
/// </summary>
public sealed class CatalogueTests
{
    private const string Marker = "<!-- Everything below is generated";

    [Fact]
    public void Catalogue_matches_descriptors()
    {
        string path = Path.Combine(RepoPaths.Root, "docs", "diagnostics.md");
        string text = File.ReadAllText(path).ReplaceLineEndings("\n");
        int marker = text.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"{path} lost its generated-part marker");
        int generated = text.IndexOf("-->\n", marker, StringComparison.Ordinal) + 4;
        string expected = text[..generated] + Generate();
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Every_rule_says_what_it_means_and_how_to_fix_it()
    {
        Assert.All(Descriptors.All, d =>
        {
            Assert.True(d.Description.Length > 20 && d.Description.EndsWith('.'), $"{d.Id}: Description is missing or not a sentence");
            Assert.True(d.Help.Length > 10 && d.Help.EndsWith('.'), $"{d.Id}: Help is missing or not a sentence");
            Assert.Equal(new Uri($"https://github.com/flowrunner/flowrunner/blob/main/docs/diagnostics.md#{d.Id.ToLowerInvariant()}"), d.HelpUri);
        });
    }

    private static string Generate()
    {
        var text = new StringBuilder("\n| ID | Category | Severity | Title | Configurable |\n|---|---|---|---|---|\n");
        foreach (DiagnosticDescriptor d in Descriptors.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| [{d.Id}](#{d.Id.ToLowerInvariant()}) | {d.Category} | {d.DefaultSeverity} | {d.Title} | {(d.IsConfigurable ? "yes" : "no")} |\n");
        }

        foreach (DiagnosticDescriptor d in Descriptors.All)
        {
            string lowered = d.IsConfigurable ? "can be changed in flowrunner.json" : "cannot be lowered";
            text.Append(CultureInfo.InvariantCulture, $"\n## {d.Id}\n\n**{d.Title}**: {d.Category.ToString().ToLowerInvariant()}, {d.DefaultSeverity.ToString().ToLowerInvariant()} by default ({lowered}). Message: `{d.MessageFormat.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal)}`\n\n{d.Description}\n\n**Fix:** {d.Help}\n");
        }

        return text.ToString();
    }

    [Fact]
    public void Ids_are_unique_and_in_their_category_range()
    {
        Assert.Equal(Descriptors.All.Length, Descriptors.All.Select(d => d.Id).Distinct().Count());
        foreach (DiagnosticDescriptor d in Descriptors.All)
        {
            char expectedDigit = d.Category switch
            {
                DiagnosticCategory.Syntax => '0',
                DiagnosticCategory.Structure => '1',
                DiagnosticCategory.Binding => '2',
                _ => '3',
            };
            Assert.Matches("^FZ[0-9]{4}$", d.Id);
            Assert.Equal(expectedDigit, d.Id[2]);
        }
    }
}
