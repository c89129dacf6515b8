using FlowRunner.Activities.Identity;
using FlowRunner.Engine.Persistence;
using FlowRunner.Testing.Contracts;

namespace FlowRunner.Storage.Postgres.Tests;

/// <summary>The identity store contract on a real PostgreSQL: lockout, one-time codes and rotations race for real.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresIdentityStoreTests(PostgresFixture postgres) : IdentityStoreContract
{
    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new PostgresInstanceStore(postgres.Cluster.CreateDatabase(), TimeProvider.System, [IdentityActivities.PostgresStore]);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
