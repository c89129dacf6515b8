using FlowRunner.Engine.Runtime;

namespace FlowRunner.Engine.Persistence;

/// <summary>Durable storage of flow versions, instances, journal, outbox and timers. One implementation per database.</summary>
public interface IInstanceStore
{
    /// <summary>Creates or upgrades the runtime's schema (numbered migrations).</summary>
    Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync([], cancellationToken);

    /// <summary>Creates or upgrades the runtime's schema and the activity packs' (each source numbered on its own).</summary>
    Task MigrateAsync(IEnumerable<MigrationScript> packScripts, CancellationToken cancellationToken);

    /// <summary>Remembers a flow version's source, so instances pinned to it can run after the file changes.</summary>
    Task SaveFlowVersionAsync(string name, string hash, string sourcePath, string source, CancellationToken cancellationToken);

    /// <summary>The stored source of a flow version, or null.</summary>
    Task<(string SourcePath, string Source)?> LoadFlowVersionAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Starts a step: a write transaction that also carries the handler's own writes.</summary>
    Task<IStepTransaction> BeginStepAsync(CancellationToken cancellationToken);

    /// <summary>Instances with branches ready to run: interrupted mid-run, to recover at start-up.</summary>
    Task<IReadOnlyList<string>> FindRunnableAsync(CancellationToken cancellationToken);

    /// <summary>Timers due at <paramref name="now"/> that have not fired.</summary>
    Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>An instance's state, or null.</summary>
    Task<InstanceState?> GetAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Instances, newest first.</summary>
    Task<IReadOnlyList<InstanceSummary>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>An instance's journal in order.</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken);
}
