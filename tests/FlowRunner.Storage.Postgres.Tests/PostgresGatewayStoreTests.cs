using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway;
using FlowRunner.Testing.Contracts;

namespace FlowRunner.Storage.Postgres.Tests;

/// <summary>The gateway store contract on a real PostgreSQL.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresGatewayStoreTests(PostgresFixture postgres) : GatewayStoreContract
{
    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new PostgresInstanceStore(postgres.Cluster.CreateDatabase(), TimeProvider.System, [GatewayHostingExtensions.PostgresStore]);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
