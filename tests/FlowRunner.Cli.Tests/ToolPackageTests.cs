using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// <c>dotnet pack</c> makes FlowRunner.Cli a .NET tool: installed into a tool path, <c>flowrunner</c> runs from there.
/// </summary>
public sealed class ToolPackageTests
{
    [Fact]
    public void The_packed_tool_installs_and_validates_the_shipped_flows()
    {
        using var temp = new TempFolder("flowrunner-tool-");
        string packages = Path.Combine(temp.Path, "packages");
        string tools = Path.Combine(temp.Path, "tools");
        string project = Path.Combine(RepoPaths.Root, "src", "FlowRunner.Cli");
        Dotnet(temp.Path, ["pack", project, "-c", "Release", "-o", packages]);
        Assert.Contains(Directory.EnumerateFiles(packages), f => Path.GetFileName(f) == $"FlowRunner.Cli.{Version}.nupkg");

        // A private package cache: the tool comes from this pack, not from an older one cached under the same version.
        Dotnet(temp.Path, ["tool", "install", "--tool-path", tools, "--add-source", packages, "FlowRunner.Cli", "--version", Version],
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(temp.Path, "nuget") });
        string flowrunner = Path.Combine(tools, OperatingSystem.IsWindows() ? "flowrunner.exe" : "flowrunner");
        Assert.StartsWith(Version + "+", ExternalTool.Run(flowrunner, "--version"), StringComparison.Ordinal);

        var (code, output, error) = ExternalTool.Start(flowrunner, ["validate", "flows"], RepoPaths.Root);
        Assert.True(code == 0, $"validate exited {code}: {error}{output}");
        int files = Directory.EnumerateFiles(RepoPaths.Flows, "*", SearchOption.AllDirectories)
            .Count(f => f.EndsWith(".flow", StringComparison.Ordinal) || Path.GetFileName(f) == "routes.json");
        Assert.EndsWith($"0 errors, 0 warnings in {files} files", output.Trim(), StringComparison.Ordinal);
    }

    private static string Version => typeof(CliApp).Assembly.GetName().Version!.ToString(3);

    private static void Dotnet(string folder, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (code, output, error) = ExternalTool.Start("dotnet", arguments, folder, environment);
        Assert.True(code == 0, $"dotnet {string.Join(' ', arguments)} failed ({code}): {error}{output}");
    }
}
