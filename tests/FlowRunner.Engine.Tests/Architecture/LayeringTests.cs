using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using FlowRunner.Engine.Runtime;
using FlowRunner.Language;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace FlowRunner.Engine.Tests.Architecture;

/// <summary>
/// The namespaces of the language and the engine depend on each other one way only: no cycles (ArchUnitNET reads the
/// compiled code, method bodies included).
/// State sits below Runtime and Persistence; drawing lives with the renderers.
/// </summary>
public sealed class LayeringTests
{
    private static readonly ArchUnitNET.Domain.Architecture Code =
        new ArchLoader().LoadAssemblies(typeof(FlowRuntime).Assembly, typeof(FlowAnalysis).Assembly).Build();

    [Fact]
    public void Engine_namespaces_have_no_cycles() =>
        Slices().Matching("FlowRunner.Engine.(*)").Should().BeFreeOfCycles().Check(Code);

    [Fact]
    public void Language_namespaces_have_no_cycles() =>
        Slices().Matching("FlowRunner.Language.(*)").Should().BeFreeOfCycles().Check(Code);
}
