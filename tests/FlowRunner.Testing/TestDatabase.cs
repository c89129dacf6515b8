using FlowRunner.Activities.Identity;
using FlowRunner.Storage.Sqlite;

namespace FlowRunner.Testing;

/// <summary>A real SQLite file in a temporary folder, migrated, with the identity pack's store registered.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly TempFolder _folder = new("flowrunner-db-");

    private TestDatabase(TimeProvider time, IEnumerable<SqlitePackStore> packs)
    {
        Store = new SqliteInstanceStore(_folder.File("flowrunner.db"), time, packs);
    }

    public SqliteInstanceStore Store { get; }

    public string Path => Store.Path;

    /// <summary>The folder the database file is in.</summary>
    public string Folder => _folder.Path;

    public static async Task<TestDatabase> CreateAsync(TimeProvider? time = null, params SqlitePackStore[] packs)
    {
        var database = new TestDatabase(time ?? TimeProvider.System, packs.Length == 0 ? [IdentityActivities.SqliteStore] : packs);
        await database.Store.MigrateAsync(CancellationToken.None);
        return database;
    }

    public void Dispose() => _folder.Dispose();
}
