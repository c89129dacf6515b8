namespace FlowRunner.Engine.Tests.Support;

/// <summary>Finds the repository (the folder with FlowRunner.sln) and shared/ beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Flows => Path.Combine(Root, "flows");

    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus", "flowzap"));

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
