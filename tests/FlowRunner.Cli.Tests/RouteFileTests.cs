using FlowRunner.Language.Diagnostics;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>
/// routes.json is checked like a flow: <c>Golden/routes/FZ20xx-*/</c> holds a flows folder whose routes file has that
/// mistake, and <c>expected.out.txt</c> what <c>flowrunner validate</c> prints for it. <c>FLOWRUNNER_UPDATE_GOLDEN=1</c>
/// rewrites them. <c>serve</c> refuses the same folders at start-up.
/// </summary>
public sealed class RouteFileTests
{
    private static string Golden => Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Cli.Tests", "Golden", "routes");

    public static TheoryData<string> Cases() => [.. Directory.EnumerateDirectories(Golden).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_reports_routes_mistakes_at_their_place(string name)
    {
        string folder = Path.Combine(Golden, name);
        var (code, output, error) = CliRunner.Run("validate", folder);
        string actual = output.Replace(folder + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).ReplaceLineEndings("\n");
        string expectedPath = Path.Combine(folder, "expected.out.txt");
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        Assert.Equal((1, string.Empty), (code, error));
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
        Assert.Contains($"routes.json(", actual, StringComparison.Ordinal);
        Assert.Contains($": error {name[..6]}: ", actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_routes_diagnostic_has_a_golden_folder()
    {
        string[] routeIds = ["FZ2007", "FZ2008", "FZ2009", "FZ2010"];
        Assert.All(routeIds, id => Assert.NotNull(Descriptors.Find(id)));
        Assert.Equal(routeIds, Directory.EnumerateDirectories(Golden).Select(d => Path.GetFileName(d)[..6]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Serve_refuses_a_routes_file_with_errors_with_exit_code_1()
    {
        using var flows = new TempFlows();
        flows.Write("signup/ask.flow", File.ReadAllText(Path.Combine(Golden, "FZ2008-route-to-unknown-flow", "signup", "ask.flow")));
        flows.Write("routes.json", File.ReadAllText(Path.Combine(Golden, "FZ2008-route-to-unknown-flow", "routes.json")));
        var (code, output, error) = CliRunner.Run("serve", flows.Root, "--db", Path.Combine(flows.Root, "x.db"), "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("routes.json(4,16): error FZ2008: route \"POST /api/ask\" names flow 'signup/asks', which is not in the folder: did you mean 'signup/ask'?", error, StringComparison.Ordinal);
        Assert.Contains("has errors; nothing is served", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_routes_are_valid()
    {
        var (code, output, _) = CliRunner.Run("validate", Path.Combine(RepoPaths.Root, "flows"));
        Assert.Equal(0, code);
        Assert.DoesNotContain("routes.json(", output, StringComparison.Ordinal);
    }
}
