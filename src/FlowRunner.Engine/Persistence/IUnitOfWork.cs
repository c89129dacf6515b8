using System.Data.Common;

namespace FlowRunner.Engine.Persistence;

/// <summary>
/// The open transaction of the step being run. A handler writes its own rows (users, codes, tokens) through
/// it, so they commit or roll back with the step's state, journal and outbox: a crash never leaves half a step.
/// </summary>
public interface IUnitOfWork
{
    /// <summary>The connection of the step's transaction.</summary>
    DbConnection Connection { get; }

    /// <summary>The step's transaction; pass it to every command.</summary>
    DbTransaction Transaction { get; }
}
