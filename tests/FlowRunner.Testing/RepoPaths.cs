namespace FlowRunner.Testing;

/// <summary>The repository (the folder with FlowRunner.sln) and the shared/ folder beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Corpus => Path.Combine(Shared, "corpus", "flowzap");

    public static string Flows => Path.Combine(Root, "flows");

    public static IEnumerable<string> CorpusFiles() => Directory.EnumerateFiles(Corpus, "*.fz").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowRunner.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FlowRunner.sln not found above " + AppContext.BaseDirectory);
    }
}
