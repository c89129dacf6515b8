using Npgsql;

namespace FlowRunner.Storage.Postgres;

/// <summary>The connection and transaction of one unit of work, for the PostgreSQL implementations of pack stores.</summary>
public sealed class PostgresUnit
{
    internal PostgresUnit(NpgsqlConnection connection, NpgsqlTransaction? transaction, TimeProvider time)
    {
        Connection = connection;
        Transaction = transaction;
        Time = time;
    }

    /// <summary>The connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction every command of the unit must use; null in a read-only unit, whose reads each see what is committed.</summary>
    public NpgsqlTransaction? Transaction { get; }

    /// <summary>The store's clock.</summary>
    public TimeProvider Time { get; }
}
