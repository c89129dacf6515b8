using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.State;

namespace FlowRunner.Engine.Persistence;

/// <summary>The transaction that commits a run's steps: the instance saved with a version check, journal, outbox, timers, and the handlers' own writes.</summary>
public interface IStepTransaction : IUnitOfWork
{
    /// <summary>Inserts a new instance.</summary>
    Task InsertAsync(InstanceState state, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the instance if its stored version is still <paramref name="expectedVersion"/>; the stored version becomes
    /// <see cref="InstanceState.Version"/>, which the caller has moved on (the runtime counts one per step).
    /// </summary>
    /// <exception cref="ConcurrencyException">Another step saved the instance first.</exception>
    Task SaveAsync(InstanceState state, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a journal entry of an instance stored before this transaction or inserted by it (its sequence is assigned
    /// by the store); the entries of an instance the store does not hold are not kept.
    /// </summary>
    Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken);

    /// <summary>Writes a message for an edge the engine cannot reach (email, SMS).</summary>
    Task AddOutboxAsync(string instanceId, string kind, JsonElement payload, CancellationToken cancellationToken);

    /// <summary>Sets a branch's deadline timer (replacing any earlier one).</summary>
    Task SetTimerAsync(string instanceId, string branchId, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>Removes a branch's timer (its wait was answered).</summary>
    Task ClearTimerAsync(string instanceId, string branchId, CancellationToken cancellationToken);

    /// <summary>Marks a savepoint: <see cref="RollbackToSavepointAsync"/> then undoes only the writes made after it.</summary>
    Task SavepointAsync(CancellationToken cancellationToken);

    /// <summary>Keeps the writes made since the savepoint as part of the transaction, and drops the savepoint.</summary>
    Task ReleaseSavepointAsync(CancellationToken cancellationToken);

    /// <summary>Undoes the writes made since the savepoint and drops it; the transaction stays open with what came before.</summary>
    Task RollbackToSavepointAsync(CancellationToken cancellationToken);
}
