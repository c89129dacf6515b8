using System.Diagnostics;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Formatting;
using FlowRunner.Language.Parsing;
using FlowRunner.Testing;

namespace FlowRunner.Language.Tests;

/// <summary>
/// Many thousands of random edits of real files (delete, duplicate, insert characters, truncate, swap lines)
/// never throw, never hang, and every diagnostic's span lies inside the file. Seeded, so a failure repeats.
/// </summary>
public sealed class MutationTests
{
    private const int MutationsPerFile = 250;
    private static readonly string Alphabet = "{}[]()\"':=.->#/\\ \t\r\nn1abcxyz|_\u00e9\u2603\u0000\u0007\ud83d\ude00";

    [Fact]
    public void Random_edits_never_throw_hang_or_report_outside_the_file()
    {
        string[] files = [.. RepoPaths.CorpusFiles().Select(File.ReadAllText)];
        var random = new Random(20261121);
        int runs = 0;
        var slowest = TimeSpan.Zero;
        foreach (string original in files)
        {
            for (int i = 0; i < MutationsPerFile; i++)
            {
                string mutated = Mutate(original, random);
                var watch = Stopwatch.StartNew();
                FlowAnalysis analysis = FlowAnalysis.Analyze(mutated, "mutated.fz");
                string? formatted = FlowFormatter.Format(FlowParser.Parse(mutated));
                watch.Stop();
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
                foreach (Diagnostic diagnostic in analysis.Diagnostics)
                {
                    Assert.InRange(diagnostic.Location.Start, 0, mutated.Length);
                    Assert.InRange(diagnostic.Location.Start + diagnostic.Location.Length, diagnostic.Location.Start, mutated.Length);
                    _ = diagnostic.Message;
                    _ = DiagnosticFormatter.Format(diagnostic, analysis.Source);
                }

                if (formatted is not null)
                {
                    // Whatever the formatter accepts, it must accept again unchanged.
                    Assert.Equal(formatted, FlowFormatter.Format(FlowParser.Parse(formatted)));
                }

                runs++;
            }
        }

        Assert.Equal(files.Length * MutationsPerFile, runs);
        // A hang would never get here; this only catches pathological (e.g. quadratic) slow paths per file.
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest single analysis took {slowest}");
    }

    internal static string Mutate(string text, Random random)
    {
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0: // delete a range
                    text = text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at));
                    break;
                case 1: // duplicate a range
                    int length = Math.Min(random.Next(1, 80), text.Length - at);
                    text = text.Insert(at, text.Substring(at, length));
                    break;
                case 2: // insert characters
                    text = text.Insert(at, new string([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]));
                    break;
                case 3: // truncate
                    text = text[..at];
                    break;
                case 4: // swap two lines
                    string[] lines = text.Split('\n');
                    if (lines.Length > 1)
                    {
                        int a = random.Next(lines.Length), b = random.Next(lines.Length);
                        (lines[a], lines[b]) = (lines[b], lines[a]);
                        text = string.Join('\n', lines);
                    }

                    break;
                default: // replace one character
                    if (at < text.Length)
                    {
                        text = text.Remove(at, 1).Insert(at, Alphabet[random.Next(Alphabet.Length)].ToString());
                    }

                    break;
            }
        }

        return text;
    }
}
