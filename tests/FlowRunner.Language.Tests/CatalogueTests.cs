using System.Text.RegularExpressions;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>Diagnostics/DiagnosticIds.md lists exactly the descriptors in Descriptors.cs (Roslyn AnalyzerReleases).</summary>
public sealed partial class CatalogueTests
{
    [Fact]
    public void Catalogue_matches_descriptors()
    {
        string path = Path.Combine(RepoPaths.Root, "src", "FlowRunner.Language", "Diagnostics", "DiagnosticIds.md");
        var rows = File.ReadAllLines(path)
            .Select(line => RowPattern().Match(line))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value}|{m.Groups[2].Value}|{m.Groups[3].Value}|{m.Groups[4].Value.Trim()}|{m.Groups[5].Value}")
            .ToList();
        var expected = Descriptors.All
            .Select(d => $"{d.Id}|{d.Category}|{d.DefaultSeverity}|{d.Title}|{(d.IsConfigurable ? "yes" : "no")}")
            .ToList();
        Assert.Equal(expected, rows);
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

    [GeneratedRegex(@"^\| (FZ\d{4}) \| (\w+) \| (\w+) \| ([^|]+) \| (yes|no) \|$")]
    private static partial Regex RowPattern();
}
