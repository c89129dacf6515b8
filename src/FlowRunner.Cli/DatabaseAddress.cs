using Npgsql;

namespace FlowRunner.Cli;

/// <summary>
/// What <c>--db</c> names: a SQLite file (the default), or a PostgreSQL database given as a connection string
/// (<c>Host=db;Database=flowrunner;Username=...</c>) or a URL (<c>postgres://user:password@db:5432/flowrunner</c>).
/// </summary>
internal static class DatabaseAddress
{
    /// <summary>True when <paramref name="database"/> names a PostgreSQL database.</summary>
    public static bool IsPostgres(string database) =>
        database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The database for a person to read, without any password: the SQLite file's full path, or PostgreSQL's host and name.</summary>
    public static string Describe(string database)
    {
        if (!IsPostgres(database))
        {
            return Path.GetFullPath(database);
        }

        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString(database));
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>The Npgsql connection string for a PostgreSQL <c>--db</c>.</summary>
    /// <exception cref="ConfigurationProblemException">It is neither a valid URL nor a valid connection string.</exception>
    public static string PostgresConnectionString(string database)
    {
        try
        {
            if (!database.Contains("://", StringComparison.Ordinal))
            {
                return new NpgsqlConnectionStringBuilder(database).ConnectionString;
            }

            var uri = new Uri(database);
            string[] user = uri.UserInfo.Split(':', 2);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
                Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            };
            if (user[0].Length > 0)
            {
                builder.Username = Uri.UnescapeDataString(user[0]);
            }

            if (user.Length > 1)
            {
                builder.Password = Uri.UnescapeDataString(user[1]);
            }

            foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = pair.Split('=', 2);
                builder[parts[0] == "sslmode" ? "SSL Mode" : Uri.UnescapeDataString(parts[0])] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            }

            return builder.ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or FormatException or KeyNotFoundException)
        {
            throw new ConfigurationProblemException($"--db is neither a PostgreSQL URL (postgres://user:password@host:5432/database) nor a connection string (Host=...;Database=...): {e.Message}");
        }
    }
}
