using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Runtime;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Storage.Sqlite;
using FlowRunner.Testing;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>The shipped auth flows on a real SQLite file, the identity activities at a low bcrypt cost, and a clock the test moves.</summary>
public sealed class IdentityHarness : IAsyncDisposable
{
    private readonly TempFolder _folder = new("flowrunner-identity-");

    private IdentityHarness()
    {
        // The racing scenarios send 50 logins at once: room for all of them (the queue limit has its own scenario).
        Services = new IdentityServices(TestKeys.Identity(issuer: "https://flowrunner.test") with { PasswordQueue = 1_000 });
        Store = new SqliteInstanceStore(_folder.File("identity.db"), Time, [IdentityActivities.SqliteStore]);
        Registry = new ActivityRegistry().AddIdentity(Services);
        Catalog = new FlowCatalog(Registry, Store);
        Runtime = new FlowRuntime(Store, Catalog, Time);
    }

    public IdentityServices Services { get; }

    public SqliteInstanceStore Store { get; }

    public ActivityRegistry Registry { get; }

    public FlowCatalog Catalog { get; }

    public FlowRuntime Runtime { get; }

    public ManualTimeProvider Time { get; } = new();

    public static async Task<IdentityHarness> CreateAsync()
    {
        var harness = new IdentityHarness();
        await harness.Store.MigrateAsync(CancellationToken.None);
        return harness;
    }

    public static string FlowsFolder => RepoPaths.Flows;

    /// <summary>Loads a shipped flow; every node must bind (no unbound node, no error).</summary>
    public LoadedFlow Load(string relative)
    {
        LoadedFlow loaded = Catalog.Load(FlowsFolder, Path.Combine(FlowsFolder, relative));
        Assert.True(loaded.Flow is not null, string.Join("\n", loaded.Diagnostics));
        Assert.DoesNotContain(loaded.Diagnostics, d => d.Id == Descriptors.UnboundNode.Id);
        return loaded;
    }

    public async Task<string> CreateUserAsync(string email, string password)
    {
        await using IUnitOfWork work = await Store.BeginWorkAsync(CancellationToken.None);
        string id = await work.Store<IIdentityStore>().CreateUserAsync(email, Services.Passwords.Hash(password), "user", Time.GetUtcNow());
        await work.CommitAsync(CancellationToken.None);
        return id;
    }

    /// <summary>Runs <paramref name="action"/> on the identity tables and commits.</summary>
    public async Task InIdentityStoreAsync(Func<IIdentityStore, Task> action)
    {
        await using IUnitOfWork work = await Store.BeginWorkAsync(CancellationToken.None);
        await action(work.Store<IIdentityStore>());
        await work.CommitAsync(CancellationToken.None);
    }

    /// <summary>Gives a user an active TOTP secret and backup codes, as the 2FA set-up flow would.</summary>
    public async Task<(byte[] Secret, IReadOnlyList<string> BackupCodes)> EnableMfaAsync(string userId)
    {
        byte[] secret = Identity.Totp.OneTimePassword.NewSecret();
        IReadOnlyList<string> codes = Identity.BackupCodes.BackupCodeGenerator.Generate();
        await InIdentityStoreAsync(async users =>
        {
            await users.ActivateTotpAsync(userId, Services.Secrets.Protect(secret), long.MinValue + 1, Time.GetUtcNow());
            await users.ReplaceBackupCodesAsync(userId, codes.Select(c => Services.Codes.HashCode(Identity.BackupCodes.BackupCodeGenerator.Normalize(c)!)), Time.GetUtcNow());
        });
        return (secret, codes);
    }

    public Task<RunResult> StartAsync(LoadedFlow flow) => Runtime.StartAsync(flow.Flow!, flow.Source, CancellationToken.None);

    public Task<RunResult> AnswerAsync(RunResult run, string node, object input) =>
        Runtime.ResumeAsync(run.InstanceId, node, Input(input), null, CancellationToken.None);

    /// <summary>An answer's fields from an anonymous object.</summary>
    public static ImmutableDictionary<string, JsonElement> Input(object input) =>
        JsonSerializer.SerializeToElement(input).EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());

    /// <summary>Starts a login and answers "Enter credentials".</summary>
    public async Task<RunResult> LoginAsync(LoadedFlow flow, string email, string password)
    {
        RunResult run = await StartAsync(flow);
        Assert.Equal("n2", Assert.Single(run.WaitingAt).Node);
        return await AnswerAsync(run, "n2", new { email, password });
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection("Data Source=" + Store.Path);
        connection.Open();
        return connection;
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
