using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway;
using FlowRunner.Testing;
using FlowRunner.Testing.Contracts;

namespace FlowRunner.Storage.Sqlite.Tests;

/// <summary>The gateway store contract on a real SQLite file.</summary>
public sealed class SqliteGatewayStoreTests : GatewayStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("flowrunner-sqlite-");

    public void Dispose() => _folder.Dispose();

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new SqliteInstanceStore(_folder.File(Guid.NewGuid().ToString("N") + ".db"), TimeProvider.System, [GatewayHostingExtensions.SqliteStore]);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
