using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Activities.Identity.Tokens;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Persistence;
using FlowRunner.Engine.Runtime;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Activities.Identity.Tests.Scenarios;

/// <summary>The shipped auth flows on a real SQLite file, the identity activities at a low bcrypt cost, and a clock the test moves.</summary>
public sealed class IdentityHarness : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flowrunner-identity-").FullName;

    private IdentityHarness()
    {
        Services = new IdentityServices(new IdentityOptions
        {
            BcryptCost = 4,
            Jwt = new JwtOptions { Issuer = "https://flowrunner.test", Audience = "flowrunner-api", SigningKey = RandomNumberGenerator.GetBytes(32) },
            SecretKey = RandomNumberGenerator.GetBytes(32),
            Pepper = RandomNumberGenerator.GetBytes(32),
        });
        Store = new SqliteInstanceStore(Path.Combine(_folder, "identity.db"));
        Registry = new ActivityRegistry().AddIdentity(Services);
        Catalog = new FlowCatalog(Registry, Store);
        Runtime = new FlowRuntime(Store, Catalog, Time);
    }

    public IdentityServices Services { get; }

    public SqliteInstanceStore Store { get; }

    public ActivityRegistry Registry { get; }

    public FlowCatalog Catalog { get; }

    public FlowRuntime Runtime { get; }

    public MutableTime Time { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    public static async Task<IdentityHarness> CreateAsync()
    {
        var harness = new IdentityHarness();
        await harness.Store.MigrateAsync(IdentityActivities.Migrations, CancellationToken.None);
        return harness;
    }

    public static string FlowsFolder => Path.Combine(RepoRoot(), "flows");

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
        await using IStepTransaction tx = await Store.BeginStepAsync(CancellationToken.None);
        string id = await IdentityStore.CreateUserAsync(tx, email, Services.Passwords.Hash(password), "user", Time.GetUtcNow());
        await tx.CommitAsync(CancellationToken.None);
        return id;
    }

    /// <summary>Gives a user an active TOTP secret and backup codes, as the 2FA set-up flow would.</summary>
    public async Task<(byte[] Secret, IReadOnlyList<string> BackupCodes)> EnableMfaAsync(string userId)
    {
        byte[] secret = Identity.Totp.OneTimePassword.NewSecret();
        IReadOnlyList<string> codes = Identity.BackupCodes.BackupCodeGenerator.Generate();
        await using IStepTransaction tx = await Store.BeginStepAsync(CancellationToken.None);
        await IdentityStore.ActivateTotpAsync(tx, userId, Services.Secrets.Protect(secret), long.MinValue + 1, Time.GetUtcNow());
        await IdentityStore.ReplaceBackupCodesAsync(tx, userId, codes.Select(c => Services.Codes.HashCode(Identity.BackupCodes.BackupCodeGenerator.Normalize(c)!)), Time.GetUtcNow());
        await tx.CommitAsync(CancellationToken.None);
        return (secret, codes);
    }

    public Task<RunResult> StartAsync(LoadedFlow flow) => Runtime.StartAsync(flow.Flow!, flow.Source, CancellationToken.None);

    public Task<RunResult> AnswerAsync(RunResult run, string node, object input) =>
        Runtime.ResumeAsync(run.InstanceId, node, JsonSerializer.SerializeToElement(input).EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone()), null, CancellationToken.None);

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

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_folder, recursive: true);
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowRunner.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FlowRunner.sln not found");
    }
}

/// <summary>A clock the test moves (the only fake: time).</summary>
public sealed class MutableTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
