using Microsoft.Data.Sqlite;

namespace FlowRunner.Storage.Sqlite;

/// <summary>The connection and transaction of one unit of work, for the SQLite implementations of pack stores.</summary>
public sealed class SqliteUnit
{
    internal SqliteUnit(SqliteConnection connection, SqliteTransaction? transaction, TimeProvider time)
    {
        Connection = connection;
        Transaction = transaction;
        Time = time;
    }

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The transaction every command of the unit must use; null in a read-only unit, whose reads each see what is committed.</summary>
    public SqliteTransaction? Transaction { get; }

    /// <summary>The store's clock.</summary>
    public TimeProvider Time { get; }
}
