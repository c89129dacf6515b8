using System.Text;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;
using FlowRunner.Testing;

namespace FlowRunner.Engine.Tests.Binding;

/// <summary>
/// Golden files for the binding diagnostics (FZ2xxx): <c>Golden/FZ2xxx-*.flow</c>, its optional bindings file, and
/// <c>.out.txt</c> with what <c>flowrunner validate</c> prints. <c>FLOWRUNNER_UPDATE_GOLDEN=1</c> rewrites them.
/// </summary>
public sealed class BindingGoldenTests
{
    private static string Golden => Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Engine.Tests", "Golden");

    public static TheoryData<string> Cases() => [.. Directory.EnumerateFiles(Golden, "*.flow").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Binding_golden_output_matches(string name)
    {
        string path = Path.Combine(Golden, name);
        var catalog = new FlowCatalog(new ActivityRegistry().Add(new OutcomeActivity()).Add(new RecordActivity()).Add(new AskCodeActivity()));
        string text = File.ReadAllText(path);
        LoadedFlow loaded = catalog.Prepare(Path.GetFileNameWithoutExtension(name), path, text);
        SourceText source = SourceText.From(text, name);
        var builder = new StringBuilder();
        foreach (Diagnostic diagnostic in loaded.Diagnostics)
        {
            builder.Append(DiagnosticFormatter.Format(diagnostic, source, name));
        }

        string actual = builder.ToString();
        string expectedPath = Path.ChangeExtension(path, ".out.txt");
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
        Assert.Contains(loaded.Diagnostics, d => d.Id == name[..6]);
    }

    [Fact]
    public void Every_binding_diagnostic_has_a_golden_file()
    {
        // Routes files (FZ2007-FZ2010) are checked by the host: FlowRunner.Cli.Tests/Golden/routes has their golden files.
        string[] routeIds = ["FZ2007", "FZ2008", "FZ2009", "FZ2010"];
        foreach (DiagnosticDescriptor descriptor in Descriptors.All.Where(d => d.Category == DiagnosticCategory.Binding && !routeIds.Contains(d.Id)))
        {
            Assert.True(File.Exists(Directory.EnumerateFiles(Golden, descriptor.Id + "-*.flow").SingleOrDefault() ?? string.Empty), descriptor.Id);
        }
    }
}
