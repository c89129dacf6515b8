using System.Text;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Parsing;
using FlowRunner.Language.Text;

namespace FlowRunner.Cli;

/// <summary>Turns the paths on a command line into flow files: folders are searched recursively, "-" is standard input.</summary>
internal sealed class FlowInputs(CliConsole console)
{
    public const string StdinPath = "-";

    private static readonly string[] Extensions = [".flow", ".fz"];
    private readonly Dictionary<string, LintConfiguration> _configurations = new(StringComparer.Ordinal);

    /// <summary>Number of I/O problems reported (each already written to standard error).</summary>
    public int Failures { get; private set; }

    /// <summary>The files named by the arguments, in the order given; folders sorted by path.</summary>
    public IEnumerable<string> Expand(IEnumerable<string> arguments)
    {
        bool stdinUsed = false;
        foreach (string argument in arguments)
        {
            if (argument == StdinPath)
            {
                if (!stdinUsed)
                {
                    stdinUsed = true;
                    yield return StdinPath;
                }

                continue;
            }

            if (Directory.Exists(argument))
            {
                string[] files = [.. Directory.EnumerateFiles(argument, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Where(f => !IsInBuildFolder(Path.GetRelativePath(argument, f)))
                    .Order(StringComparer.Ordinal)];
                if (files.Length == 0)
                {
                    Fail($"no *.flow or *.fz files under '{argument}'");
                }

                foreach (string file in files)
                {
                    yield return Display(file);
                }
            }
            else if (File.Exists(argument))
            {
                yield return argument;
            }
            else
            {
                Fail($"'{argument}' does not exist");
            }
        }
    }

    /// <summary>Reads a file (or standard input) as text; null after reporting an I/O error.</summary>
    public SourceText? Read(string path)
    {
        try
        {
            if (path == StdinPath)
            {
                return SourceText.From(console.In.ReadToEnd(), "<stdin>");
            }

            long length = new FileInfo(path).Length;
            if (length > FlowParser.MaxCharacters)
            {
                Fail($"'{path}' is {length} bytes; flow files are limited to {FlowParser.MaxCharacters} (FZ0008): split the flow");
                return null;
            }

            return SourceText.From(File.ReadAllText(path, Encoding.UTF8), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail($"cannot read '{path}': {e.Message}");
            return null;
        }
    }

    /// <summary>The lint configuration for a file: the nearest flowrunner.json from its folder up; null after reporting an invalid one.</summary>
    public LintConfiguration? ConfigurationFor(string path)
    {
        string directory = path == StdinPath ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (_configurations.TryGetValue(directory, out LintConfiguration? cached))
        {
            return cached;
        }

        try
        {
            LintConfiguration configuration = LintConfiguration.FindFor(directory);
            _configurations[directory] = configuration;
            return configuration;
        }
        catch (ConfigurationException e)
        {
            Fail($"invalid configuration {e.Message}");
            return null;
        }
    }

    public void Fail(string message)
    {
        Failures++;
        console.Error.WriteLine($"flowrunner: {message}");
    }

    private static bool IsInBuildFolder(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(part => part is "bin" or "obj" or "node_modules" || part.StartsWith('.'));

    private static string Display(string file)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }
}
