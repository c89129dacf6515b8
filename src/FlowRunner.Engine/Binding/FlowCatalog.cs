using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Graph;
using FlowRunner.Engine.Persistence;
using FlowRunner.Language;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Text;

namespace FlowRunner.Engine.Binding;

/// <summary>
/// Loads flow files (parse, validate, compile, bind) and finds the version an instance is pinned to: the
/// current file when its hash matches, else the source stored when that version first ran.
/// </summary>
public sealed class FlowCatalog(ActivityRegistry registry, IInstanceStore? store = null) : IFlowResolver
{
    private readonly ConcurrentDictionary<string, BoundFlow> _byHash = new(StringComparer.Ordinal);

    /// <summary>The registry flows bind against.</summary>
    public ActivityRegistry Registry { get; } = registry;

    /// <summary>Reads and prepares one flow file; the flow is null when it has errors.</summary>
    public LoadedFlow Load(string flowsFolder, string file, LintConfiguration? configuration = null)
    {
        string source = File.ReadAllText(file, Encoding.UTF8);
        LoadedFlow loaded = Prepare(FlowCompiler.NameFor(flowsFolder, file), file, source, configuration);
        if (loaded.Flow is { } flow)
        {
            _byHash[flow.Hash] = flow;
        }

        return loaded;
    }

    /// <summary>Prepares flow text: analysis, compilation, bindings (from the file beside it) and binding diagnostics.</summary>
    public LoadedFlow Prepare(string name, string path, string source, LintConfiguration? configuration = null)
    {
        FlowAnalysis analysis = FlowAnalysis.Analyze(SourceText.From(source, path), configuration ?? LintConfiguration.Default);
        if (FlowCompiler.Compile(analysis, name) is not { } compiled)
        {
            return new LoadedFlow(name, source, null, null, analysis.Diagnostics);
        }

        var diagnostics = analysis.Diagnostics.ToBuilder();
        FlowBindings? bindings = null;
        string bindingsPath = FlowBindings.PathFor(path);
        if (File.Exists(bindingsPath))
        {
            try
            {
                if (new FileInfo(bindingsPath).Length > FlowBindings.MaxBytes)
                {
                    throw new FormatException($"larger than {FlowBindings.MaxBytes} bytes");
                }

                bindings = FlowBindings.Parse(File.ReadAllText(bindingsPath, Encoding.UTF8), bindingsPath);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(Diagnostic.Create(Descriptors.InvalidBindingFile, new SourceSpan(path, 0, 0),
                    $"fix {Path.GetFileName(bindingsPath)}; the flow cannot run until it is valid", Path.GetFileName(bindingsPath), e.Message));
            }
        }

        BindResult bound = ActivityBinder.Bind(compiled, Registry, bindings);
        diagnostics.AddRange(bound.Diagnostics);
        ImmutableArray<Diagnostic> all = (configuration ?? LintConfiguration.Default).Apply(diagnostics.ToImmutable());
        bool failed = all.Any(d => d.Severity == DiagnosticSeverity.Error);
        return new LoadedFlow(name, source, compiled, failed ? null : bound.Flow, FlowAnalysis.Sort(all));
    }

    /// <inheritdoc/>
    /// <remarks>A stored version that does not bind in this process (an activity it names is not loaded) is refused, not treated as missing.</remarks>
    public async ValueTask<BoundFlow?> ResolveAsync(string name, string hash, CancellationToken cancellationToken)
    {
        if (_byHash.TryGetValue(hash, out BoundFlow? flow))
        {
            return flow;
        }

        if (store is null || await store.LoadFlowVersionAsync(hash, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        LoadedFlow loaded = Prepare(name, stored.SourcePath, stored.Source);
        if (loaded.Compiled?.Hash != hash)
        {
            return null;
        }

        if (loaded.Flow is not { } restored)
        {
            Diagnostic error = loaded.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            throw new VersionNotBindableException(
                $"flow '{name}' version {hash[..12]} is stored but cannot run in this process: {error.Id} {error.Message} ({Path.GetFileName(error.Location.Path)}); load what it needs (--activities) or fix its bindings file");
        }

        _byHash[hash] = restored;
        return restored;
    }
}

/// <summary>A stored flow version that cannot be bound in this process (the runtime refuses its instances with the message).</summary>
internal sealed class VersionNotBindableException(string message) : Exception(message);

/// <summary>A prepared flow file: its source, its compiled graph (null with language errors), the bound flow (null with any error) and every diagnostic.</summary>
public sealed record LoadedFlow(string Name, string Source, CompiledFlow? Compiled, BoundFlow? Flow, ImmutableArray<Diagnostic> Diagnostics);
