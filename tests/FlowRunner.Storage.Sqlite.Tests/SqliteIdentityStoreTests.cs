using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Persistence;
using FlowRunner.Testing;
using FlowRunner.Testing.Contracts;

namespace FlowRunner.Storage.Sqlite.Tests;

/// <summary>The identity store contract on a real SQLite file.</summary>
public sealed class SqliteIdentityStoreTests : IdentityStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("flowrunner-sqlite-");

    public void Dispose() => _folder.Dispose();

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new SqliteInstanceStore(_folder.File(Guid.NewGuid().ToString("N") + ".db"), TimeProvider.System, [IdentityActivities.SqliteStore]);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
