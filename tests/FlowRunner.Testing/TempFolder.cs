using Microsoft.Data.Sqlite;

namespace FlowRunner.Testing;

/// <summary>A folder deleted with everything in it when the test ends (SQLite's pooled connections closed first).</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "flowrunner-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file (creating its folders) and returns its path.</summary>
    public string Write(string relative, string text)
    {
        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Copies a folder into this one.</summary>
    public string Copy(string from, string relative)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = File(System.IO.Path.Combine(relative, System.IO.Path.GetRelativePath(from, file)));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            System.IO.File.Copy(file, target);
        }

        return File(relative);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
