using FlowRunner.Testing;

namespace FlowRunner.Storage.Postgres.Tests;

/// <summary>One throwaway PostgreSQL cluster for the whole test assembly; each store gets a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
