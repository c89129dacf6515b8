using System.Collections.Concurrent;
using FlowRunner.Engine.Binding;
using FlowRunner.Language.Configuration;
using FlowRunner.Language.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Hosting;

/// <summary>
/// The served flows, by name (their path under the flows folder without extension, e.g. <c>auth/login</c>). A file
/// that fails to load keeps serving its previous version; its diagnostics are logged and shown by <c>GET /flows</c>.
/// </summary>
internal sealed partial class FlowHost(FlowCatalog catalog, FlowRunnerOptions options, ILogger<FlowHost> logger)
{
    private readonly ConcurrentDictionary<string, ServedFlow> _flows = new(StringComparer.Ordinal);

    /// <summary>Every flow, sorted by name.</summary>
    public IReadOnlyList<ServedFlow> Flows => [.. _flows.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>A flow by name, or null.</summary>
    public ServedFlow? Find(string name) => _flows.GetValueOrDefault(name);

    /// <summary>The graph of every flow by name (null for a flow that has language errors), for checking routes.</summary>
    public IReadOnlyDictionary<string, Language.Graph.FlowGraph?> Graphs =>
        _flows.ToDictionary(f => f.Key, f => (f.Value.Current.Compiled ?? f.Value.Latest.Compiled)?.Graph, StringComparer.Ordinal);

    /// <summary>Loads (or reloads) every flow file of the folder.</summary>
    public void LoadAll()
    {
        string folder = Path.GetFullPath(options.FlowsFolder);
        foreach (string file in Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".flow", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".fz", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal))
        {
            Load(file);
        }
    }

    /// <summary>Loads one file; on errors the previous version (if any) keeps serving.</summary>
    public void Load(string file)
    {
        string folder = Path.GetFullPath(options.FlowsFolder);
        LoadedFlow loaded;
        try
        {
            loaded = catalog.Load(folder, file, LintConfiguration.FindFor(Path.GetDirectoryName(file)!));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigurationException)
        {
            LogUnreadable(logger, file, e.Message);
            return;
        }

        ServedFlow? previous = _flows.GetValueOrDefault(loaded.Name);
        if (loaded.Flow is null)
        {
            foreach (Diagnostic error in loaded.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                LogRefused(logger, loaded.Name, error.Id, error.Message);
            }

            _flows[loaded.Name] = new ServedFlow(loaded.Name, previous?.Current ?? loaded, loaded);
            return;
        }

        _flows[loaded.Name] = new ServedFlow(loaded.Name, loaded, loaded);
        if (previous?.Current.Flow is { } old && old.Hash != loaded.Flow.Hash)
        {
            LogNewVersion(logger, loaded.Name, loaded.Flow.Hash[..12]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flow file {File} cannot be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flow {Flow} was not (re)loaded: {Id} {Message}; the previous version keeps serving")]
    private static partial void LogRefused(ILogger logger, string flow, string id, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Flow {Flow} now serves version {Hash}; running instances finish on theirs")]
    private static partial void LogNewVersion(ILogger logger, string flow, string hash);
}

/// <summary>A served flow: the version new instances start on, and the latest load (which may have errors).</summary>
internal sealed record ServedFlow(string Name, LoadedFlow Current, LoadedFlow Latest);
