using FlowRunner.Engine.Persistence;
using FlowRunner.Testing;
using FlowRunner.Testing.Contracts;

namespace FlowRunner.Storage.Sqlite.Tests;

/// <summary>The instance store contract on a real SQLite file.</summary>
public sealed class SqliteInstanceStoreTests : InstanceStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("flowrunner-sqlite-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix permissions; on Windows the folder's ACL decides
    public async Task Database_files_are_readable_by_their_owner_only()
    {
        string path = _folder.File("private/flowrunner.db");
        var store = new SqliteInstanceStore(path, Time);
        await store.MigrateAsync(CancellationToken.None);
        await store.SaveFlowVersionAsync("f", "abc", "f.flow", "text", CancellationToken.None); // a write: the -wal file exists
        string[] files = [path, path + "-wal", path + "-shm"];
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    protected override async Task<(IInstanceStore First, IInstanceStore Second)> CreateTwoNodesAsync(NodeLease first, NodeLease second)
    {
        string path = _folder.File(Guid.NewGuid().ToString("N") + ".db");
        var a = new SqliteInstanceStore(path, Time) { Lease = first };
        await a.MigrateAsync(CancellationToken.None);
        return (a, new SqliteInstanceStore(path, Time) { Lease = second });
    }

    protected override async Task<IInstanceStore> CreateStoreAsync()
    {
        var store = new SqliteInstanceStore(_folder.File(Guid.NewGuid().ToString("N") + ".db"), Time);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
