namespace FlowRunner.Testing;

/// <summary>
/// Validators nobody here wrote, from the npm registry at the versions <c>tools/package-lock.json</c> pins: Microsoft's
/// SARIF Multitool, Redocly CLI, @readme/openapi-parser, Ajv and Mermaid. The first test that needs them runs <c>npm ci</c> in
/// <c>tools/</c>, under a file lock so test processes running side by side install once.
/// </summary>
public static class OutsideValidators
{
    private static readonly Lazy<string> Modules = new(Install);

    /// <summary>The SARIF Multitool's Linux executable.</summary>
    public static string SarifMultitool
    {
        get
        {
            string path = Path.Combine(Modules.Value, "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute); // npm 11 skips its postinstall chmod
            }
            return path;
        }
    }

    /// <summary>A file of an installed package, e.g. <c>mermaid/dist/mermaid.min.js</c>.</summary>
    public static string PackageFile(string relativePath) => Path.Combine(Modules.Value, relativePath);

    /// <summary>Runs a package's command-line entry (<c>node_modules/.bin/name</c>) with node.</summary>
    public static (int ExitCode, string Output, string Error) RunNode(string bin, params string[] arguments) =>
        ExternalTool.Start("node", [Path.Combine(Modules.Value, ".bin", bin), .. arguments]);

    /// <summary>Runs a script with node, in a folder where <c>require</c> finds the validators.</summary>
    public static (int ExitCode, string Output, string Error) RunScript(string script, params string[] arguments)
    {
        string file = Path.Combine(Path.GetDirectoryName(Modules.Value)!, $"script-{Guid.NewGuid():N}.cjs");
        File.WriteAllText(file, script);
        try
        {
            return ExternalTool.Start("node", [file, .. arguments]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Install()
    {
        string tools = Path.Combine(RepoPaths.Root, "tools");
        string modules = Path.Combine(tools, "node_modules");
        string done = Path.Combine(modules, ".flowrunner-installed");
        using FileStream gate = Lock(Path.Combine(tools, ".install.lock"));
        if (!File.Exists(done) || File.GetLastWriteTimeUtc(done) < File.GetLastWriteTimeUtc(Path.Combine(tools, "package-lock.json")))
        {
            (int code, string output, string error) = ExternalTool.Start("npm", ["ci", "--no-audit", "--no-fund"], tools);
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci in {tools} failed ({code}); the validators come from the npm registry: {error}{output}");
            }

            File.WriteAllText(done, string.Empty);
        }

        return modules;
    }

    private static FileStream Lock(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(500); // another test process is installing
            }
        }
    }
}
