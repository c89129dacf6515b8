using FlowRunner.Engine.Persistence;
using FlowRunner.Testing.Contracts;

namespace FlowRunner.Storage.Postgres.Tests;

/// <summary>The instance store contract on a real PostgreSQL (a throwaway cluster started by the tests).</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresInstanceStoreTests(PostgresFixture postgres) : InstanceStoreContract
{
    protected override async Task<(IInstanceStore First, IInstanceStore Second)> CreateTwoNodesAsync(NodeLease first, NodeLease second)
    {
        string database = postgres.Cluster.CreateDatabase();
        var a = new PostgresInstanceStore(database, Time) { Lease = first };
        await a.MigrateAsync(CancellationToken.None);
        return (a, new PostgresInstanceStore(database, Time) { Lease = second });
    }

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new PostgresInstanceStore(postgres.Cluster.CreateDatabase(), Time);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task Nodes_migrating_at_once_apply_each_script_once()
    {
        string database = postgres.Cluster.CreateDatabase();
        PostgresInstanceStore[] nodes = [.. Enumerable.Range(0, 3).Select(_ => new PostgresInstanceStore(database, Time))];

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.MigrateAsync(CancellationToken.None))));

        await nodes[0].SaveFlowVersionAsync("f", "h", "f.flow", "text", CancellationToken.None);
        Assert.NotNull(await nodes[2].LoadFlowVersionAsync("h", CancellationToken.None));
        foreach (PostgresInstanceStore node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
