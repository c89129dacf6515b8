using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// <c>flowrunner validate</c> gives exactly the diagnostics it gave before the front end was rebuilt: every corpus,
/// shipped and golden input, and seeded random edits of the corpus (as a hash per file, to keep the snapshot small).
/// Set <c>FLOWRUNNER_UPDATE_GOLDEN=1</c> to rewrite <c>Golden/validate-snapshot.txt</c>, then review the change.
/// </summary>
public sealed class ValidateSnapshotTests
{
    private const int MutationsPerCorpusFile = 10;

    [Fact]
    public void Validate_reports_what_the_snapshot_holds()
    {
        string root = RepoPaths.Root;
        string corpus = Path.GetFullPath(Path.Combine(root, "..", "shared", "corpus", "flowzap"));
        var text = new StringBuilder();
        Append(text, "corpus", corpus);
        Append(text, "flows", Path.Combine(root, "flows"));
        Append(text, "language-golden", Path.Combine(root, "tests", "FlowRunner.Language.Tests", "Golden"));
        Append(text, "engine-golden", Path.Combine(root, "tests", "FlowRunner.Engine.Tests", "Golden"));
        AppendMutations(text, corpus);

        string actual = text.ToString();
        string expectedPath = Path.Combine(root, "tests", "FlowRunner.Cli.Tests", "Golden", "validate-snapshot.txt");
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        string expected = File.ReadAllText(expectedPath).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            string written = Path.Combine(AppContext.BaseDirectory, "validate-snapshot.actual.txt");
            File.WriteAllText(written, actual);
            Assert.Fail($"validate output differs from {expectedPath}; the actual output is in {written}");
        }
    }

    private static void Append(StringBuilder text, string set, string folder)
    {
        foreach ((string file, string dump) in Validate(folder))
        {
            text.Append("== ").Append(set).Append('/').Append(file).Append('\n').Append(dump);
        }
    }

    private static void AppendMutations(StringBuilder text, string corpus)
    {
        using var temp = new TempFolder("flowrunner-snapshot-");
        string folder = temp.Path;
        var random = new Random(20261130);
        foreach (string file in Directory.EnumerateFiles(corpus, "*.fz").Order(StringComparer.Ordinal))
        {
            string original = File.ReadAllText(file);
            for (int i = 0; i < MutationsPerCorpusFile; i++)
            {
                string name = $"{Path.GetFileNameWithoutExtension(file)}-{i:D2}.fz";
                File.WriteAllText(Path.Combine(folder, name), Mutate(original, random));
            }
        }

        foreach ((string file, string dump) in Validate(folder))
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dump)))[..16];
            text.Append("== mutated/").Append(file).Append(' ').Append(hash).Append('\n');
        }
    }

    // One line per diagnostic, with its exact region, message and hint, per file name.
    private static IEnumerable<(string File, string Dump)> Validate(string folder)
    {
        var (_, output, error) = CliRunner.Run("validate", "--format", "json", folder);
        Assert.True(error.Length == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        foreach (JsonElement file in report.RootElement.GetProperty("files").EnumerateArray())
        {
            var dump = new StringBuilder();
            foreach (JsonElement d in file.GetProperty("diagnostics").EnumerateArray())
            {
                dump.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"({d.GetProperty("line")},{d.GetProperty("column")})-({d.GetProperty("endLine")},{d.GetProperty("endColumn")}) {d.GetProperty("severity")} {d.GetProperty("id")}: {d.GetProperty("message")} | {d.GetProperty("hint")}\n");
            }

            string path = file.GetProperty("path").GetString()!;
            yield return (Path.GetRelativePath(folder, Path.GetFullPath(path)).Replace('\\', '/'), dump.ToString());
        }
    }

    // Seeded random edits: delete, duplicate or insert characters, truncate, swap lines.
    private static string Mutate(string text, Random random)
    {
        const string alphabet = "{}[]()\"':=.->#/\\ \tn1abcxyz|_\u00e9\u2603";
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0:
                    text = text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at));
                    break;
                case 1:
                    text = text.Insert(at, text.Substring(at, Math.Min(random.Next(1, 80), text.Length - at)));
                    break;
                case 2:
                    text = text.Insert(at, new string([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)])]));
                    break;
                case 3:
                    string[] lines = text.Split('\n');
                    int a = random.Next(lines.Length), b = random.Next(lines.Length);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    text = string.Join('\n', lines);
                    break;
                default:
                    text = text[..at];
                    break;
            }
        }

        return text;
    }
}
