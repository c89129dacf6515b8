using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Gateway.Data;

namespace FlowRunner.Testing.Contracts;

/// <summary>
/// What every gateway store must do (the replay store and the budgets), written once: a database's test class
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
    public async Task A_bucket_gives_its_capacity_then_refills_at_its_rate_and_says_when()
    {
        IInstanceStore store = await CreateStoreAsync();
        var taken = new List<TimeSpan?>();
        for (int i = 0; i < 4; i++)
        {
            taken.Add(await InUnitAsync(store, g => g.TakeAsync("ip:1", capacity: 3, perSecond: 0.5, Now)));
        }

        Assert.Equal([null, null, null], taken.Take(3));
        Assert.Equal(TimeSpan.FromSeconds(2), taken[3]);
        Assert.Equal(TimeSpan.FromSeconds(1), await InUnitAsync(store, g => g.TakeAsync("ip:1", 3, 0.5, Now + 1_000)));
        Assert.Null(await InUnitAsync(store, g => g.TakeAsync("ip:1", 3, 0.5, Now + 2_000)));
        Assert.Null(await InUnitAsync(store, g => g.TakeAsync("ip:2", 3, 0.5, Now)));
    }

    [Fact]
    public async Task Racing_takes_never_get_more_than_the_bucket_holds()
    {
        IInstanceStore store = await CreateStoreAsync();
        TimeSpan?[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => InUnitAsync(store, g => g.TakeAsync("user:u", 5, 0.001, Now)))));
        Assert.Equal(5, results.Count(r => r is null));
    }

    [Fact]
    public async Task Pruning_drops_expired_reservations_and_idle_buckets_only()
    {
        IInstanceStore store = await CreateStoreAsync();
        await InUnitAsync(store, g => g.ReserveAsync("s", "old", Now - 1));
        await InUnitAsync(store, g => g.ReserveAsync("s", "live", Now + 1_000));
        await InUnitAsync(store, g => g.TakeAsync("idle", 1, 1, Now - 7_200_000));
        await InUnitAsync(store, g => g.TakeAsync("busy", 1, 0.001, Now));

        Assert.Equal(2, await InUnitAsync(store, g => g.PruneAsync(Now, idleMs: 3_600_000)));
        Assert.True(await InUnitAsync(store, g => g.ReserveAsync("s", "old", Now + 1_000)));
        Assert.False(await InUnitAsync(store, g => g.ReserveAsync("s", "live", Now + 1_000)));
        Assert.NotNull(await InUnitAsync(store, g => g.TakeAsync("busy", 1, 0.001, Now)));
    }

    private static async Task<T> InUnitAsync<T>(IInstanceStore store, Func<IGatewayStore, Task<T>> action)
    {
        await using IUnitOfWork work = await store.BeginWorkAsync(CancellationToken.None);
        T result = await action(work.Store<IGatewayStore>());
        await work.CommitAsync(CancellationToken.None);
        return result;
    }
}
