using FlowRunner.Testing;

namespace FlowRunner.Language.Tests.Support;

/// <summary>The language's golden files: <c>tests/FlowRunner.Language.Tests/Golden</c>.</summary>
public static class GoldenFiles
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "FlowRunner.Language.Tests", "Golden");
}
