using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway.Data;

namespace FlowRunner.Testing.Contracts;

/// <summary>
/// What every gateway store must do (the replay store, and budgets in the shared buckets), written once: a database's test class
/// derives from this and creates a fresh, migrated store with the gateway pack registered. Races run for real.
/// </summary>
public abstract class GatewayStoreContract
{
    private const long Now = 1_800_000_000_000;

    /// <summary>A fresh, migrated store on an empty database of its own, with the gateway pack registered.</summary>
    protected abstract Task<IInstanceStore> CreateStoreAsync();

    [Fact]
    public async Task A_request_id_is_reserved_once_per_device_session()
    {
        IInstanceStore store = await CreateStoreAsync();

        Assert.True(await InUnitAsync(store, g => g.ReserveAsync("session-a", "request-1", Now + 300_000)));
        Assert.False(await InUnitAsync(store, g => g.ReserveAsync("session-a", "request-1", Now + 300_000)));
        Assert.True(await InUnitAsync(store, g => g.ReserveAsync("session-b", "request-1", Now + 300_000)));
    }

    [Fact]
    public async Task Of_racing_reservations_of_one_request_exactly_one_wins()
    {
        IInstanceStore store = await CreateStoreAsync();
        bool[] won = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => InUnitAsync(store, g => g.ReserveAsync("s", "r", Now + 300_000)))));
        Assert.Single(won, w => w);
    }

    [Fact]
    public async Task Budgets_take_from_the_shared_buckets_in_the_steps_transaction()
    {
        IInstanceStore store = await CreateStoreAsync();
        Assert.Null(await InUnitAsync(store, g => g.TakeAsync("user:u", capacity: 1, perSecond: 0.001, Now)));
        Assert.NotNull(await InUnitAsync(store, g => g.TakeAsync("user:u", 1, 0.001, Now)));

        await using (IUnitOfWork rolledBack = await store.BeginWorkAsync(CancellationToken.None))
        {
            Assert.Null(await rolledBack.Store<IGatewayStore>().TakeAsync("user:v", 1, 0.001, Now)); // not committed
        }

        Assert.Null(await InUnitAsync(store, g => g.TakeAsync("user:v", 1, 0.001, Now)));
    }

    [Fact]
    public async Task Pruning_drops_expired_reservations_only()
    {
        IInstanceStore store = await CreateStoreAsync();
        await InUnitAsync(store, g => g.ReserveAsync("s", "old", Now - 1));
        await InUnitAsync(store, g => g.ReserveAsync("s", "live", Now + 1_000));

        Assert.Equal(1, await InUnitAsync(store, g => g.PruneAsync(Now)));
        Assert.True(await InUnitAsync(store, g => g.ReserveAsync("s", "old", Now + 1_000)));
        Assert.False(await InUnitAsync(store, g => g.ReserveAsync("s", "live", Now + 1_000)));
    }

    private static async Task<T> InUnitAsync<T>(IInstanceStore store, Func<IGatewayStore, Task<T>> action)
    {
        await using IUnitOfWork work = await store.BeginWorkAsync(CancellationToken.None);
        T result = await action(work.Store<IGatewayStore>());
        await work.CommitAsync(CancellationToken.None);
        return result;
    }
}
